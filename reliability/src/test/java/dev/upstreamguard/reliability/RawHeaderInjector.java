package dev.upstreamguard.reliability;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays a lenient container in front of the guard filter: a request header {@code X-Raw-<Name>} holding a
 * percent-encoded value is presented to the filters behind as header {@code <Name>} with the decoded value, so
 * that values Jetty refuses on the wire (CR, LF, NUL, DEL) still reach the filter, as they could behind another
 * container or a proxy that decodes.
 */
final class RawHeaderInjector implements Filter {
    private static final String PREFIX = "X-Raw-";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        Map<String, String> injected = new LinkedHashMap<>();
        for (String name : Collections.list(http.getHeaderNames())) {
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                injected.put(name.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT),
                        URLDecoder.decode(http.getHeader(name), StandardCharsets.UTF_8));
            }
        }
        if (injected.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(http) {
            @Override
            public String getHeader(String name) {
                String value = injected.get(name.toLowerCase(java.util.Locale.ROOT));
                return value != null ? value : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                String value = injected.get(name.toLowerCase(java.util.Locale.ROOT));
                return value != null ? Collections.enumeration(List.of(value)) : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()));
                names.addAll(injected.keySet());
                return Collections.enumeration(names);
            }
        }, response);
    }
}
