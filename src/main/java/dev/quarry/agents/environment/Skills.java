package dev.quarry.agents.environment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds an agent's skills in its capability directories on the executor (design section 10): each
 * {@code <dir>/<name>/SKILL.md} whose front matter names it {@code <name>} and describes it.
 *
 * <p>As Codex's skills loader does, folders starting with {@code .} and symbolic links are passed
 * over, whitespace in the name and description is collapsed to single spaces, the first skill of a
 * name wins, and the skills come sorted by name. A malformed skill is left out with an error naming
 * its file; it never stops the others. Unlike Codex, only one level is scanned and the name must
 * equal the folder's. The front matter is read as {@code key: value} lines (quoted values
 * unquoted, indented lines and {@code |}/{@code >} blocks continuing the key above), not as full YAML.
 */
public final class Skills {
    public static final int MAX_DIRECTORIES = 32;
    public static final int MAX_SKILL_BYTES = 64 * 1024;
    public static final int MAX_DESCRIPTION_CHARS = 1024;
    private static final String SKILL_FILE = "SKILL.md";
    private static final String DELIMITER = "---";
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern BLOCK_INDICATOR = Pattern.compile("[|>][+-]?[0-9]?");

    private Skills() {}

    /** A loaded skill: {@code path} is its {@code SKILL.md}, which {@code load_skill} reads. */
    public record Skill(String name, String description, String path) {}

    /** A skill (or a capability directory) left out, and why. */
    public record SkillError(String path, String message) {}

    /** What a scan found: the skills sorted by name, the errors in the order met. */
    public record Found(List<Skill> skills, List<SkillError> errors) {}

    /**
     * @param directories absolute folders on the executor, at most {@value #MAX_DIRECTORIES}
     * @throws IllegalArgumentException more than {@value #MAX_DIRECTORIES} directories
     */
    public static Found scan(Executor executor, List<String> directories) {
        if (directories.size() > MAX_DIRECTORIES) {
            throw new IllegalArgumentException("At most " + MAX_DIRECTORIES + " capability directories, got " + directories.size());
        }
        Map<String, Skill> byName = new HashMap<>();
        List<SkillError> errors = new ArrayList<>();
        for (String directory : directories) {
            if (!directory.startsWith("/")) {
                errors.add(new SkillError(directory, "capability directory is not an absolute path"));
                continue;
            }
            List<FileEntry> entries;
            try {
                entries = new ArrayList<>(executor.readDirectory(directory));
            } catch (ExecutorException.Refused e) {
                errors.add(new SkillError(directory, "cannot list the capability directory: " + e.getMessage()));
                continue;
            }
            entries.sort(Comparator.comparing(FileEntry::name));
            for (FileEntry entry : entries) {
                if (entry.name().startsWith(".") || entry.symlink() || !entry.directory()) continue;
                String path = (directory.endsWith("/") ? directory : directory + "/") + entry.name() + "/" + SKILL_FILE;
                try {
                    Skill skill = load(executor, entry.name(), path);
                    if (skill == null) continue;
                    Skill first = byName.putIfAbsent(skill.name(), skill);
                    if (first != null) {
                        errors.add(new SkillError(path, "a skill named '" + skill.name() + "' is already loaded from " + first.path()));
                    }
                } catch (Malformed e) {
                    errors.add(new SkillError(path, e.getMessage()));
                }
            }
        }
        List<Skill> skills = new ArrayList<>(byName.values());
        skills.sort(Comparator.comparing(Skill::name));
        return new Found(skills, errors);
    }

    /** The skill in {@code path}; {@code null} when the folder has no {@code SKILL.md} (it is not a skill). */
    private static Skill load(Executor executor, String folder, String path) {
        FileEntry file;
        byte[] bytes;
        try {
            file = executor.metadata(path);
            if (file == null || file.directory()) return null;
            if (file.size() > MAX_SKILL_BYTES) throw new Malformed("SKILL.md is larger than " + MAX_SKILL_BYTES + " bytes");
            bytes = executor.readFile(path, MAX_SKILL_BYTES);
        } catch (ExecutorException.Refused e) {
            throw new Malformed("cannot read SKILL.md: " + e.getMessage());
        }
        return parse(folder, path, decode(bytes));
    }

    /** The skill {@code text} (a SKILL.md in folder {@code folder}) describes. */
    static Skill parse(String folder, String path, String text) {
        Map<String, String> fields = frontMatter(text);
        String name = singleLine(fields.get("name"));
        String description = singleLine(fields.get("description"));
        if (name.isEmpty()) throw new Malformed("missing field `name`");
        if (!NAME.matcher(name).matches()) {
            throw new Malformed("invalid name: '" + name + "' must be 1 to 64 lowercase letters, digits or hyphens");
        }
        if (!name.equals(folder)) {
            throw new Malformed("invalid name: '" + name + "' does not match its folder '" + folder + "'");
        }
        if (description.isEmpty()) throw new Malformed("missing field `description`");
        if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_CHARS) {
            throw new Malformed("invalid description: exceeds maximum length of " + MAX_DESCRIPTION_CHARS + " characters");
        }
        return new Skill(name, description, path);
    }

    /** The raw values of the front matter's top-level keys. */
    private static Map<String, String> frontMatter(String text) {
        List<String> lines = text.lines().toList();
        int close = 1;
        while (close < lines.size() && !lines.get(close).strip().equals(DELIMITER)) close++;
        if (lines.isEmpty() || !lines.getFirst().strip().equals(DELIMITER) || close >= lines.size() || close == 1) {
            throw new Malformed("missing front matter delimited by ---");
        }
        Map<String, StringBuilder> values = new HashMap<>();
        StringBuilder current = null;
        for (int i = 1; i < close; i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            if (Character.isWhitespace(line.charAt(0)) || line.startsWith("- ")) {
                if (current != null) current.append(' ').append(line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) throw new Malformed("front matter line " + (i + 1) + " is not 'key: value'");
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (values.containsKey(key)) throw new Malformed("front matter has `" + key + "` twice");
            current = new StringBuilder(BLOCK_INDICATOR.matcher(value).matches() ? "" : value);
            values.put(key, current);
        }
        Map<String, String> fields = new HashMap<>();
        values.forEach((key, value) -> fields.put(key, unquote(value.toString().strip())));
        return fields;
    }

    private static String unquote(String value) {
        if (value.length() < 2) return value;
        char quote = value.charAt(0);
        if ((quote != '"' && quote != '\'') || value.charAt(value.length() - 1) != quote) return value;
        String inner = value.substring(1, value.length() - 1);
        if (quote == '\'') return inner.replace("''", "'");
        StringBuilder out = new StringBuilder(inner.length());
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length()) {
                char next = inner.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String singleLine(String value) {
        return value == null ? "" : String.join(" ", value.strip().split("\\s+")).strip();
    }

    private static String decode(byte[] bytes) {
        String text = Utf8Text.decodeOrNull(bytes);
        if (text == null) throw new Malformed("SKILL.md is not UTF-8 text");
        return text;
    }

    /** A skill left out; its message goes into {@link SkillError}. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
