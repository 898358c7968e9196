package dev.upstreamguard.reliability;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What makes an answer of the gateway well-formed beyond HTTP framing (which {@link RawHttpConnection} checks):
 * exactly one valid correlation ID header, and a body that parses for its content type. Error pages (5xx) must
 * also carry the correlation ID in the body and the headers the filter promises.
 */
final class ResponseChecks {
    static final String ID_HEADER = "X-Request-ID";
    static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9\\-_.:+/=@]{1,128}");

    private ResponseChecks() {
    }

    /** Whether the filter would accept {@code id} as an incoming correlation ID (the README's rule). */
    static boolean isValidIncomingId(String id) {
        return id != null && VALID_ID.matcher(id).matches();
    }

    /**
     * The problems of {@code r} as the gateway's answer to a request that sent {@code sentId} (or null) as its
     * X-Request-ID; empty when well-formed.
     */
    static List<String> problems(RawResponse r, String sentId) {
        List<String> problems = new ArrayList<>();
        List<String> ids = r.all(ID_HEADER);
        String id = ids.size() == 1 ? ids.get(0) : null;
        if (ids.size() != 1) {
            problems.add(ids.size() + " " + ID_HEADER + " headers");
        } else if (isValidIncomingId(sentId) ? !id.equals(sentId) : !GENERATED_ID.matcher(id).matches()) {
            problems.add("correlation ID " + RawHttpConnection.printable(id) + " for sent "
                    + (sentId == null ? "none" : RawHttpConnection.printable(sentId)));
        }
        String body = bodyProblem(r, id);
        if (body != null) {
            problems.add(body);
        }
        if (r.status() >= 500) {
            if (!"no-store".equals(r.header("Cache-Control"))) {
                problems.add("error response without Cache-Control: no-store");
            }
            String ct = r.header("Content-Type");
            if (ct == null || !ct.toLowerCase(Locale.ROOT).replace(" ", "").endsWith(";charset=utf-8")) {
                problems.add("error response Content-Type " + ct);
            }
        }
        return problems;
    }

    /** Why the body does not parse for its content type, or null when it does. */
    static String bodyProblem(RawResponse r, String correlationId) {
        String type = r.mediaType();
        byte[] bytes = r.body();
        boolean errorPage = r.status() >= 500;
        if (type == null) {
            return bytes.length == 0 && !errorPage ? null : "body of " + bytes.length + " bytes without Content-Type";
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return type + " body is not valid UTF-8";
        }
        try {
            switch (type) {
                case "application/json" -> MiniJson.parse(text);
                case "application/problem+json" -> {
                    Map<String, Object> problem = MiniJson.object(text);
                    if (!new BigDecimal(r.status()).equals(problem.get("status"))) {
                        return "problem+json status " + problem.get("status") + " on a " + r.status();
                    }
                    if (!(problem.get("title") instanceof String) || !(problem.get("type") instanceof String)) {
                        return "problem+json without type or title";
                    }
                    if (correlationId != null && !correlationId.equals(problem.get("correlationId"))) {
                        return "problem+json correlationId " + problem.get("correlationId");
                    }
                }
                case "text/html" -> {
                    String trimmed = text.strip();
                    if (!trimmed.regionMatches(true, 0, "<!DOCTYPE html>", 0, 15) || !trimmed.endsWith("</html>")) {
                        return "HTML body is not one complete document";
                    }
                    if (trimmed.toLowerCase(Locale.ROOT).contains("<script")) {
                        return "HTML body contains a script element";
                    }
                    if (errorPage && correlationId != null && !text.contains(correlationId)) {
                        return "HTML error page without the correlation ID";
                    }
                }
                case "text/plain" -> {
                    if (errorPage && !text.startsWith(Integer.toString(r.status()))) {
                        return "text error page does not start with its status";
                    }
                    if (errorPage && correlationId != null && !text.contains(correlationId)) {
                        return "text error page without the correlation ID";
                    }
                }
                default -> {
                    return "unexpected content type " + type;
                }
            }
        } catch (IllegalArgumentException e) {
            return type + " body does not parse: " + e.getMessage();
        }
        return null;
    }
}
