package dev.quarry.provider.bedrock.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.provider.wire.Json;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Documents as Converse takes them, for one request. Converse requires a name of letters, digits,
 * single spaces, hyphens, parentheses and square brackets (1 to 200 characters), which most file
 * names are not ("report.pdf"): a client's name keeps its allowed ASCII characters, any other run
 * becomes one space, and the extension goes (Converse has the format for it). A document without
 * a usable name is "document N". Names are kept distinct within the request, so that the model
 * can tell two documents apart.
 */
final class ConverseDocuments {
    private static final int MAX_NAME = 200;

    private final Set<String> used = new HashSet<>();
    private int count;

    ObjectNode encode(ContentBlock.Document document) {
        ObjectNode out = Json.object();
        out.putObject("document").put("format", document.type().extension()).put("name", name(document))
                .putObject("source").put("bytes", document.base64());
        return out;
    }

    private String name(ContentBlock.Document document) {
        count++;
        String base = document.name() == null ? "" : allowed(withoutExtension(document.name(), document.type().extension()));
        if (base.isEmpty()) base = "document " + count;
        String name = base;
        for (int n = 2; !used.add(name); n++) {
            String suffix = " (" + n + ")";
            name = base.substring(0, Math.min(base.length(), MAX_NAME - suffix.length())).strip() + suffix;
        }
        return name;
    }

    private static String withoutExtension(String name, String extension) {
        return name.toLowerCase(Locale.ROOT).endsWith("." + extension) ? name.substring(0, name.length() - extension.length() - 1) : name;
    }

    /**
     * ASCII letters and digits only, what "alphanumeric" surely means to every model behind
     * Converse; accented letters keep their base letter ("données" is "donnees").
     */
    private static String allowed(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(Math.min(decomposed.length(), MAX_NAME));
        boolean gap = false;
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) continue;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '(' || c == ')' || c == '[' || c == ']')) {
                boolean space = gap && !out.isEmpty();
                if (out.length() + (space ? 2 : 1) > MAX_NAME) break;
                if (space) out.append(' ');
                gap = false;
                out.append(c);
            } else {
                gap = true;
            }
        }
        return out.toString();
    }
}
