package dev.quarry.guardrails.semantic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A built-in list of texts shipped beside these classes: one text a line, {@code #} comments,
 * and {@code [category]} lines naming the category of the texts below them.
 */
record ReferenceTexts(List<String> texts, List<String> categories) {
    ReferenceTexts {
        texts = List.copyOf(texts);
        categories = List.copyOf(categories);
    }

    static ReferenceTexts load(String resource) {
        List<String> texts = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        String category = "";
        try (InputStream in = ReferenceTexts.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing built-in resource " + resource);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) continue;
                if (text.startsWith("[") && text.endsWith("]")) {
                    category = text.substring(1, text.length() - 1);
                    continue;
                }
                texts.add(text);
                categories.add(category);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in resource " + resource, e);
        }
        return new ReferenceTexts(texts, categories);
    }

    int size() {
        return texts.size();
    }
}
