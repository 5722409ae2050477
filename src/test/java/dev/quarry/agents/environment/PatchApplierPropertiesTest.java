package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A generated update patch (one to three hunks with context, on an LF or CRLF file) applied to a
 * real file gives exactly the text the edits describe, with the file's line endings.
 */
class PatchApplierPropertiesTest {

    /** Replace {@code removed} lines from {@code start} (in the original) with {@code added}. */
    record Edit(int start, int removed, List<String> added) {}

    record Case(List<String> lines, List<Edit> edits, boolean crlf) {}

    @Property(tries = 200)
    void applyingAGeneratedPatchGivesTheExpectedText(@ForAll("cases") Case c) throws IOException {
        Path dir = Files.createTempDirectory("patch-property").toRealPath();
        try {
            String eol = c.crlf() ? "\r\n" : "\n";
            Files.writeString(dir.resolve("f.txt"), String.join(eol, c.lines()) + eol);
            LocalFilesExecutor executor = new LocalFilesExecutor();

            new PatchApplier(executor, Workspace.open(executor, dir.toString())).apply(PatchParser.parse(patchFor(c)));

            List<String> expected = expected(c);
            assertThat(Files.readString(dir.resolve("f.txt"))).isEqualTo(expected.isEmpty() ? "" : String.join(eol, expected) + eol);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    private static List<String> expected(Case c) {
        List<String> out = new ArrayList<>();
        int at = 0;
        for (Edit edit : c.edits()) {
            out.addAll(c.lines().subList(at, edit.start()));
            out.addAll(edit.added());
            at = edit.start() + edit.removed();
        }
        out.addAll(c.lines().subList(at, c.lines().size()));
        return out;
    }

    /** Up to two context lines each side, never reaching into the previous hunk (Codex seeks forward only). */
    private static String patchFor(Case c) {
        StringBuilder patch = new StringBuilder("*** Begin Patch\n*** Update File: f.txt\n");
        int previousEnd = 0;
        List<Edit> edits = c.edits();
        for (int k = 0; k < edits.size(); k++) {
            Edit edit = edits.get(k);
            int end = edit.start() + edit.removed();
            int nextStart = k + 1 < edits.size() ? edits.get(k + 1).start() : c.lines().size();
            int before = Math.min(2, edit.start() - previousEnd);
            int after = Math.min(2, (nextStart - end) / 2);
            patch.append("@@\n");
            for (int i = edit.start() - before; i < edit.start(); i++) patch.append(' ').append(c.lines().get(i)).append('\n');
            for (int i = edit.start(); i < end; i++) patch.append('-').append(c.lines().get(i)).append('\n');
            for (String line : edit.added()) patch.append('+').append(line).append('\n');
            for (int i = end; i < end + after; i++) patch.append(' ').append(c.lines().get(i)).append('\n');
            previousEnd = end + after;
        }
        return patch.append("*** End Patch\n").toString();
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> text = Arbitraries.strings().withChars("abcxyz -*@+#\t").ofMaxLength(12);
        return Combinators.combine(
                        Arbitraries.integers().between(1, 30),
                        text.list().ofMaxSize(3).list().ofMinSize(1).ofMaxSize(3),
                        Arbitraries.integers().between(0, 1000).list().ofSize(6),
                        Arbitraries.of(true, false))
                .as((size, addedPerEdit, picks, crlf) -> {
                    List<String> lines = new ArrayList<>();
                    for (int i = 0; i < size; i++) lines.add("line " + i + " " + picks.get(i % picks.size()));
                    return new Case(lines, edits(size, addedPerEdit, picks), crlf);
                });
    }

    /** Non-overlapping edits in order, each removing at least one line, cut from the picks. */
    private static List<Edit> edits(int size, List<List<String>> addedPerEdit, List<Integer> picks) {
        List<Edit> edits = new ArrayList<>();
        int from = 0;
        for (int k = 0; k < addedPerEdit.size() && from < size; k++) {
            int start = from + picks.get(2 * k) % (size - from);
            int removed = 1 + picks.get(2 * k + 1) % Math.min(3, size - start);
            edits.add(new Edit(start, removed, addedPerEdit.get(k)));
            from = start + removed;
        }
        return edits;
    }
}
