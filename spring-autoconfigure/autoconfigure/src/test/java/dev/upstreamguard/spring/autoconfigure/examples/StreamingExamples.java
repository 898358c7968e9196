package dev.upstreamguard.spring.autoconfigure.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import org.springframework.web.client.RestClient;

/**
 * The streaming examples of docs/streaming.md, compiled and run by {@code StreamingExamplesTests}. The RestClients
 * are those the starter registers for upstreams with {@code stream-responses: true}.
 */
public final class StreamingExamples {
    private StreamingExamples() {
    }

    /**
     * Downloads {@code path} into {@code target} as it arrives: memory stays flat whatever the size. A broken or
     * stalled body fails the copy with an {@code UpstreamException} (inside Spring's
     * {@code ResourceAccessException}), never with a short file that looks complete.
     */
    public static long download(RestClient files, String path, Path target) {
        return files.get().uri(path).exchange((request, response) -> {
            if (!response.getStatusCode().is2xxSuccessful()) {
                throw new IOException("download failed with status " + response.getStatusCode().value());
            }
            try (InputStream body = response.getBody()) {
                return Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    /** Passes a download on to {@code out} (a servlet response, say) with back-pressure: a 64 KiB buffer at a time. */
    public static long relay(RestClient files, String path, OutputStream out) {
        return files.get().uri(path).exchange((request, response) -> {
            try (InputStream body = response.getBody()) {
                return body.transferTo(out);
            }
        });
    }

    /**
     * Reads server-sent events from {@code path}, handing each event's data to {@code onEvent} as soon as its blank
     * line arrives, until the stream ends or {@code maxEvents} were read (closing early closes the connection).
     *
     * @return the events read
     */
    public static int events(RestClient events, String path, int maxEvents, Consumer<String> onEvent) {
        return events.get().uri(path).header("Accept", "text/event-stream").exchange((request, response) -> {
            int count = 0;
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(response.getBody(), StandardCharsets.UTF_8))) {
                StringBuilder data = new StringBuilder();
                for (String line; count < maxEvents && (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            onEvent.accept(data.toString());
                            count++;
                            data.setLength(0);
                        }
                    } else if (line.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                    }
                }
            }
            return count;
        });
    }
}
