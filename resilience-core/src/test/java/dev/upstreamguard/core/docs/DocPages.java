package dev.upstreamguard.core.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's Markdown pages (README.md, docs/, the examples' READMEs) and the fenced blocks marked in them. */
final class DocPages {
    /** The repository's top folder (tests run in the module's folder). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private DocPages() {
    }

    /** Every page: README.md, BENCHMARKS.md, CHANGELOG.md, docs/**.md and each module's README.md. */
    static List<Path> all() {
        List<Path> pages = new ArrayList<>();
        for (String top : new String[] {"README.md", "BENCHMARKS.md", "CHANGELOG.md"}) {
            if (Files.exists(ROOT.resolve(top))) {
                pages.add(ROOT.resolve(top));
            }
        }
        try (Stream<Path> walk = Files.walk(ROOT, 4)) {
            walk.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
                            && !p.toString().contains("/node_modules/"))
                    .filter(p -> !p.getParent().equals(ROOT))
                    .sorted()
                    .forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    static String read(Path page) {
        try {
            return Files.readString(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fenced block that follows a marker comment, with the page it stands in. */
    record Block(Path page, int line, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(page) + ":" + line;
        }
    }

    /** Every fenced block right after a line starting with {@code marker}, across all pages. */
    static List<Block> blocksAfter(String marker) {
        List<Block> blocks = new ArrayList<>();
        for (Path page : all()) {
            String text = read(page);
            int at = text.indexOf(marker);
            while (at >= 0) {
                int open = text.indexOf('\n', text.indexOf("```", at)) + 1;
                int close = text.indexOf("\n```", open);
                int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
                blocks.add(new Block(page, line, text.substring(open, close + 1)));
                at = text.indexOf(marker, close);
            }
        }
        return blocks;
    }
}
