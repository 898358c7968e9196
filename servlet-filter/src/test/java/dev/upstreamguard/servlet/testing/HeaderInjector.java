package dev.upstreamguard.servlet.testing;

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

/**
 * Plays a lenient container in front of the guard filter: presents the percent-decoded value of
 * {@code X-Test-Raw-Request-ID} as {@code X-Request-ID}, so that values Jetty's parser refuses on the wire (CR, LF,
 * NUL, DEL) can still reach the filter.
 */
public final class HeaderInjector implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String raw = http.getHeader("X-Test-Raw-Request-ID");
        if (raw == null) {
            chain.doFilter(request, response);
            return;
        }
        String decoded = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        chain.doFilter(new HttpServletRequestWrapper(http) {
            @Override
            public String getHeader(String name) {
                return name.equalsIgnoreCase("X-Request-ID") ? decoded : super.getHeader(name);
            }
        }, response);
    }
}
