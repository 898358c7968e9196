package dev.upstreamguard.core.internal;

import java.time.Duration;
import java.util.Iterator;
import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.core5.http.HeaderElement;
import org.apache.hc.core5.http.HeaderElements;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * How long a pooled connection may stay idle: the configured idle timeout, cut to the upstream's advertised
 * {@code Keep-Alive: timeout=N} minus a margin, so that we never reuse a connection the upstream is closing.
 * (HttpClient's default keeps an idle connection up to the advertised timeout itself, else 3 minutes.)
 */
final class KeepAliveStrategy implements ConnectionKeepAliveStrategy {
    private final long idleMillis;
    private final long marginMillis;

    KeepAliveStrategy(Duration idle, Duration margin) {
        this.idleMillis = idle.toMillis();
        this.marginMillis = margin.toMillis();
    }

    @Override
    public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
        long advertisedMillis = advertisedMillis(response);
        if (advertisedMillis < 0) {
            return TimeValue.ofMilliseconds(idleMillis);
        }
        // Keep a margin below the upstream's timeout; for tiny timeouts, half of it.
        long safe = advertisedMillis > marginMillis ? advertisedMillis - marginMillis : advertisedMillis / 2;
        return TimeValue.ofMilliseconds(Math.min(idleMillis, safe));
    }

    private static long advertisedMillis(HttpResponse response) {
        Iterator<HeaderElement> it = MessageSupport.iterate(response, HeaderElements.KEEP_ALIVE);
        while (it.hasNext()) {
            HeaderElement he = it.next();
            if (checkTimeout(he.getName(), he.getValue()) >= 0) {
                return checkTimeout(he.getName(), he.getValue());
            }
            for (NameValuePair p : he.getParameters()) {
                long t = checkTimeout(p.getName(), p.getValue());
                if (t >= 0) {
                    return t;
                }
            }
        }
        return -1;
    }

    private static long checkTimeout(String name, String value) {
        if (!"timeout".equalsIgnoreCase(name) || value == null) {
            return -1;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds < 0 ? -1 : Math.min(seconds, 86_400) * 1000;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
