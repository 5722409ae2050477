package dev.quarry.agents.environment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Codex's {@code apply_patch} format into a {@link Patch}. Hand-written and line based, with
 * Codex's leniencies: padding around the markers, a {@code <<'EOF'} heredoc wrapper (some models send
 * the shell form as the tool input), CRLF lines, no trailing newline, blank lines between hunks, and
 * a first hunk without its {@code @@}. Beyond Codex, consecutive {@code @@ context} lines (which
 * Codex's own instructions show but its parser refuses) narrow the hunk one context at a time.
 *
 * <p>Errors name the line (counted from 1 in the text as given) and quote at most the start of it.
 */
public final class PatchParser {
    /** The largest patch accepted, in UTF-8 bytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** The most file operations one patch may carry. */
    public static final int MAX_FILES = 1_000;

    private static final String BEGIN = "*** Begin Patch";
    private static final String END = "*** End Patch";
    private static final String ADD = "*** Add File:";
    private static final String DELETE = "*** Delete File:";
    private static final String UPDATE = "*** Update File:";
    private static final String MOVE = "*** Move to:";
    private static final String END_OF_FILE = "*** End of File";
    private static final List<String> HEREDOC_OPENERS = List.of("<<EOF", "<<'EOF'", "<<\"EOF\"");
    private static final int QUOTE_LIMIT = 120;

    private final List<String> lines;
    private int pos;
    private final int end;

    private PatchParser(List<String> lines, int from, int end) {
        this.lines = lines;
        this.pos = from;
        this.end = end;
    }

    /**
     * @throws PatchException the text is not a patch, is too large, or changes too many files
     */
    public static Patch parse(String text) {
        if (tooLarge(text)) {
            throw new PatchException("Invalid patch: it is larger than " + MAX_BYTES + " bytes; split it into smaller patches.");
        }
        List<String> lines = splitLines(text);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) first++;
        int last = lines.size() - 1;
        while (last >= first && lines.get(last).isBlank()) last--;
        if (first > last) {
            throw error(1, "the patch is empty; its first line must be '" + BEGIN + "'");
        }
        int[] body = bodyOf(lines, first, last);
        return new PatchParser(lines, body[0], body[1]).operations();
    }

    /** The [from, end) range of the lines between the markers, unwrapping a heredoc when that is what makes it a patch. */
    private static int[] bodyOf(List<String> lines, int first, int last) {
        PatchException asGiven = boundaryError(lines, first, last);
        if (asGiven == null) return new int[] {first + 1, last};
        boolean heredoc = HEREDOC_OPENERS.contains(lines.get(first).strip())
                && lines.get(last).strip().endsWith("EOF")
                && last - first + 1 >= 4;
        if (!heredoc) throw asGiven;
        PatchException inner = boundaryError(lines, first + 1, last - 1);
        if (inner != null) throw inner;
        return new int[] {first + 2, last - 1};
    }

    private static PatchException boundaryError(List<String> lines, int first, int last) {
        if (!lines.get(first).strip().equals(BEGIN)) {
            return error(first + 1, "the first line of the patch must be '" + BEGIN + "'");
        }
        if (last <= first || !lines.get(last).strip().equals(END)) {
            return error(last + 1, "the last line of the patch must be '" + END + "'");
        }
        return null;
    }

    private Patch operations() {
        List<Patch.FileOperation> operations = new ArrayList<>();
        while (pos < end) {
            if (operations.size() == MAX_FILES) {
                throw error(pos + 1, "the patch has more than " + MAX_FILES + " file operations; split it into smaller patches");
            }
            operations.add(operation());
        }
        if (operations.isEmpty()) {
            throw error(end + 1, "the patch has no file operations, so no files were modified");
        }
        return new Patch(operations);
    }

    private Patch.FileOperation operation() {
        int headerLine = pos;
        String header = lines.get(pos++).strip();
        if (header.startsWith(ADD)) {
            String path = pathAfter(ADD, header, headerLine);
            StringBuilder content = new StringBuilder();
            while (pos < end && lines.get(pos).startsWith("+")) {
                content.append(lines.get(pos).substring(1)).append('\n');
                pos++;
            }
            return new Patch.Add(path, content.toString());
        }
        if (header.startsWith(DELETE)) {
            return new Patch.Delete(pathAfter(DELETE, header, headerLine));
        }
        if (header.startsWith(UPDATE)) {
            return update(pathAfter(UPDATE, header, headerLine), headerLine);
        }
        throw error(headerLine + 1, "'" + quote(header) + "' is not a valid file operation header. Valid headers: '"
                + ADD + " {path}', '" + DELETE + " {path}', '" + UPDATE + " {path}'");
    }

    private Patch.Update update(String path, int headerLine) {
        String moveTo = null;
        if (pos < end && lines.get(pos).strip().startsWith(MOVE)) {
            moveTo = pathAfter(MOVE, lines.get(pos).strip(), pos);
            pos++;
        }
        List<Patch.Hunk> hunks = new ArrayList<>();
        while (pos < end) {
            String line = lines.get(pos);
            if (line.isBlank()) {
                pos++;
            } else if (line.startsWith("*")) {
                break;
            } else {
                hunks.add(hunk(hunks.isEmpty()));
            }
        }
        if (hunks.isEmpty()) {
            throw error(headerLine + 1, "the update of '" + quote(path) + "' has no hunks");
        }
        return new Patch.Update(path, moveTo, hunks);
    }

    private Patch.Hunk hunk(boolean mayOmitHeader) {
        List<String> contexts = new ArrayList<>();
        boolean header = false;
        while (pos < end && isHunkHeader(lines.get(pos))) {
            String context = lines.get(pos++).substring(2).strip();
            if (!context.isEmpty()) contexts.add(context);
            header = true;
        }
        if (!header && !mayOmitHeader) {
            throw error(pos + 1, "expected a hunk starting with '@@', got: '" + quote(lines.get(pos)) + "'");
        }
        List<String> oldLines = new ArrayList<>();
        List<String> newLines = new ArrayList<>();
        int count = 0;
        boolean endOfFile = false;
        while (pos < end) {
            String line = lines.get(pos);
            if (line.stripTrailing().equals(END_OF_FILE)) {
                if (count == 0) break;
                endOfFile = true;
                pos++;
                break;
            }
            char kind = line.isEmpty() ? ' ' : line.charAt(0);
            String text = line.isEmpty() ? "" : line.substring(1);
            switch (kind) {
                case ' ' -> {
                    oldLines.add(text);
                    newLines.add(text);
                }
                case '-' -> oldLines.add(text);
                case '+' -> newLines.add(text);
                default -> {
                    if (count == 0) {
                        throw error(pos + 1, "unexpected line in a hunk: '" + quote(line)
                                + "'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)");
                    }
                    return new Patch.Hunk(contexts, oldLines, newLines, false);
                }
            }
            count++;
            pos++;
        }
        if (count == 0) {
            throw error(pos + 1, "the hunk has no lines");
        }
        return new Patch.Hunk(contexts, oldLines, newLines, endOfFile);
    }

    /** {@code @@} alone or {@code @@ context}; never a line with a leading space, which is a context line. */
    private static boolean isHunkHeader(String line) {
        return line.startsWith("@@ ") || line.stripTrailing().equals("@@");
    }

    private static String pathAfter(String marker, String header, int lineIndex) {
        String path = header.substring(marker.length()).strip();
        if (path.isEmpty()) throw error(lineIndex + 1, "'" + marker + "' needs a path");
        return path;
    }

    /** Lines split at LF with one trailing CR dropped, as Rust's {@code str::lines} does (a lone CR is not a break). */
    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int newline = text.indexOf('\n', start);
            int stop = newline < 0 ? text.length() : newline;
            String line = text.substring(start, stop);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            if (newline < 0) break;
            start = newline + 1;
        }
        return lines;
    }

    /** A char is at most 3 UTF-8 bytes, so most patches need no encoding to be measured. */
    private static boolean tooLarge(String text) {
        if ((long) text.length() * 3 <= MAX_BYTES) return false;
        return text.length() > MAX_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
    }

    private static String quote(String line) {
        return line.length() <= QUOTE_LIMIT ? line : line.substring(0, QUOTE_LIMIT) + "…";
    }

    private static PatchException error(int lineNumber, String message) {
        return new PatchException("Invalid patch at line " + lineNumber + ": " + message + ".");
    }
}
