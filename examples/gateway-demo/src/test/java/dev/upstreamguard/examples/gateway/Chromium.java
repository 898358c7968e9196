package dev.upstreamguard.examples.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium, one run per page, each with a fresh profile that is deleted afterwards. */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 30;

    private Chromium() {
    }

    /**
     * Loads {@code url} once in a {@code width} x {@code height} window, saves a PNG of it to {@code png} and
     * returns the rendered DOM.
     */
    static String render(String url, int width, int height, Path png) throws IOException, InterruptedException {
        Path dom = Files.createTempFile("chromium-dom-", ".html");
        try {
            screenshot(dom, url, width, height, png, "--dump-dom");
            return Files.readString(dom);
        } finally {
            Files.deleteIfExists(dom);
        }
    }

    /** Saves a PNG of {@code url} rendered in a {@code width} x {@code height} window to {@code png}. */
    static void screenshot(String url, int width, int height, Path png) throws IOException, InterruptedException {
        Path out = Files.createTempFile("chromium-out-", ".txt");
        try {
            screenshot(out, url, width, height, png);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void screenshot(Path stdout, String url, int width, int height, Path png, String... more)
            throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height, url));
        run(stdout, args);
        if (!Files.exists(png)) {
            throw new IllegalStateException("chromium wrote no screenshot of " + url);
        }
    }

    private static void run(Path stdout, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": " + command);
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            Nginx.deleteQuietly(profile);
        }
    }
}
