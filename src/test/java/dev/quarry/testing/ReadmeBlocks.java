package dev.quarry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's walkthroughs as code: every fenced block right after a
 * {@code <!-- walkthrough NAME [file=PATH] -->} comment (invisible when the README is rendered)
 * belongs to walkthrough NAME, in README order. A block with a file is one the reader saves under
 * that path; the others are shell they paste.
 */
public final class ReadmeBlocks {
    private static final Pattern MARKER = Pattern.compile("<!-- walkthrough ([a-z-]+)(?: file=(\\S+))? -->");

    /** @param file where the reader saves it, relative to their working folder; {@code null}: shell to run */
    public record Block(String walkthrough, String file, String text) {}

    private ReadmeBlocks() {}

    /** The README at the root of this checkout. */
    public static Path readme() {
        return Path.of(System.getProperty("user.dir")).resolve("README.md");
    }

    /** Every marked block, grouped by walkthrough, each walkthrough's blocks in README order. */
    public static Map<String, List<Block>> read(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        Map<String, List<Block>> walkthroughs = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) continue;
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
                throw new IllegalStateException("README line " + (i + 1) + ": a walkthrough marker must be followed by a fenced block");
            }
            StringBuilder text = new StringBuilder();
            int j = i + 2;
            for (; j < lines.size() && !lines.get(j).startsWith("```"); j++) text.append(lines.get(j)).append('\n');
            if (j >= lines.size()) throw new IllegalStateException("README line " + (i + 2) + ": the fenced block never ends");
            walkthroughs.computeIfAbsent(marker.group(1), k -> new ArrayList<>()).add(new Block(marker.group(1), marker.group(2), text.toString()));
            i = j;
        }
        return walkthroughs;
    }
}
