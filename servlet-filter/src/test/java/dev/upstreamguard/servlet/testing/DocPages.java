package dev.upstreamguard.servlet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's pages (README.md and docs/*.md) and the fenced blocks marked in them. */
public final class DocPages {
    /** The repository's top folder (tests run in the module's folder). */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private DocPages() {
    }

    /** README.md, then docs/*.md in name order. */
    public static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** The text of {@code docs/<name>}. */
    public static String doc(String name) {
        return read(ROOT.resolve("docs").resolve(name));
    }

    /** The first fenced block after a line starting with {@code marker} in any page, without its fences. */
    public static String blockAfter(String marker) {
        for (Path page : pages()) {
            String text = read(page);
            int at = text.indexOf(marker);
            if (at >= 0) {
                int open = text.indexOf('\n', text.indexOf("```", at)) + 1;
                int close = text.indexOf("\n```", open);
                return text.substring(open, close + 1);
            }
        }
        throw new AssertionError("No page (README.md, docs/) has the block " + marker);
    }

    private static String read(Path page) {
        try {
            return Files.readString(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
