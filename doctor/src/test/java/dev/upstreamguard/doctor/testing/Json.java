package dev.upstreamguard.doctor.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads JSON in tests with Jackson, strictly: exactly one value (nothing may follow it), no raw control characters
 * in strings. Objects become {@code Map}s, arrays {@code List}s, then strings, numbers, booleans and null.
 */
public final class Json {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private Json() {
    }

    /** The value of {@code text}, which must be exactly one JSON value (whitespace around allowed). */
    public static Object parse(String text) {
        try {
            return STRICT.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not one JSON value: " + e.getOriginalMessage(), e);
        }
    }
}
