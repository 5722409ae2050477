package dev.quarry.agents.environment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Finds and replaces hunks in a file's lines as Codex's {@code apply_patch} does
 * ({@code compute_replacements} and {@code seek_sequence}): each hunk's contexts and then its old
 * lines are sought at or after where the previous hunk ended, first exactly, then ignoring trailing
 * whitespace, then ignoring surrounding whitespace, then also treating typographic dashes, quotes
 * and spaces as their ASCII forms. An end-of-file hunk must match at the end. The matched lines
 * are replaced by the hunk's new lines, context included, so a context line matched loosely takes
 * the patch's form (as in Codex). A hunk with no old lines appends its lines at the end of the file
 * (before a final blank line), whatever its context.
 */
final class LineMatcher {
    private static final List<UnaryOperator<String>> PASSES =
            List.of(line -> line, String::stripTrailing, String::strip, LineMatcher::plainPunctuation);

    private LineMatcher() {}

    /** Why a hunk did not match. */
    sealed interface Miss {
        record Context(String context) implements Miss {}

        record Lines(List<String> oldLines) implements Miss {}
    }

    /** Turns a miss of hunk {@code index} (from 0) into the error to throw. */
    @FunctionalInterface
    interface OnMiss {
        RuntimeException error(int index, Miss miss);
    }

    private record Replacement(int start, int length, List<String> lines) {}

    /** The lines with every hunk applied; throws what {@code onMiss} makes of the first hunk that does not match. */
    static List<String> apply(List<String> lines, List<Patch.Hunk> hunks, OnMiss onMiss) {
        List<Replacement> replacements = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < hunks.size(); i++) {
            Patch.Hunk hunk = hunks.get(i);
            for (String context : hunk.contexts()) {
                int at = seek(lines, List.of(context), from, false);
                if (at < 0) throw onMiss.error(i, new Miss.Context(context));
                from = at + 1;
            }
            if (hunk.oldLines().isEmpty()) {
                int end = !lines.isEmpty() && lines.getLast().isEmpty() ? lines.size() - 1 : lines.size();
                replacements.add(new Replacement(end, 0, hunk.newLines()));
                continue;
            }
            List<String> pattern = hunk.oldLines();
            List<String> replacement = hunk.newLines();
            int at = seek(lines, pattern, from, hunk.endOfFile());
            if (at < 0 && pattern.getLast().isEmpty()) {
                // A trailing empty old line often stands for the file's final newline, which is not a line here.
                pattern = pattern.subList(0, pattern.size() - 1);
                if (!replacement.isEmpty() && replacement.getLast().isEmpty()) {
                    replacement = replacement.subList(0, replacement.size() - 1);
                }
                at = seek(lines, pattern, from, hunk.endOfFile());
            }
            if (at < 0) throw onMiss.error(i, new Miss.Lines(hunk.oldLines()));
            replacements.add(new Replacement(at, pattern.size(), replacement));
            from = at + pattern.size();
        }
        replacements.sort(Comparator.comparingInt(Replacement::start));
        List<String> result = new ArrayList<>(lines);
        for (Replacement r : replacements.reversed()) {
            result.subList(r.start(), Math.min(r.start() + r.length(), result.size())).clear();
            result.addAll(r.start(), r.lines());
        }
        return result;
    }

    /** Where {@code pattern} starts at or after {@code from} (only at the very end for {@code endOfFile}), or -1. */
    static int seek(List<String> lines, List<String> pattern, int from, boolean endOfFile) {
        if (pattern.isEmpty()) return from;
        if (pattern.size() > lines.size()) return -1;
        int last = lines.size() - pattern.size();
        int first = endOfFile ? last : from;
        for (UnaryOperator<String> form : PASSES) {
            for (int i = first; i <= last; i++) {
                if (matchesAt(lines, pattern, i, form)) return i;
            }
        }
        return -1;
    }

    private static boolean matchesAt(List<String> lines, List<String> pattern, int at, UnaryOperator<String> form) {
        for (int j = 0; j < pattern.size(); j++) {
            if (!form.apply(lines.get(at + j)).equals(form.apply(pattern.get(j)))) return false;
        }
        return true;
    }

    /** Models write ASCII where files have typographic punctuation; this pass forgives that. */
    private static String plainPunctuation(String line) {
        StringBuilder out = new StringBuilder(line.length());
        for (char c : line.strip().toCharArray()) {
            out.append(switch (c) {
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> '-';
                case '\u2018', '\u2019', '\u201A', '\u201B' -> '\'';
                case '\u201C', '\u201D', '\u201E', '\u201F' -> '"';
                case '\u00A0', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009',
                        '\u200A', '\u202F', '\u205F', '\u3000' -> ' ';
                default -> c;
            });
        }
        return out.toString().strip();
    }
}
