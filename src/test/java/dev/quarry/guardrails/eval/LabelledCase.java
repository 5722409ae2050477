package dev.quarry.guardrails.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One prompt of an evaluation or calibration set and the labels it should get. */
public record LabelledCase(String id, String text, Set<String> expect) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LabelledCase {
        expect = Set.copyOf(expect);
    }

    public static LabelledCase of(String id, String text, String... expect) {
        return new LabelledCase(id, text, Set.of(expect));
    }

    /** Reads a JSON Lines resource: {@code {"id":…,"text":…,"expect":[…]}} a line. */
    public static List<LabelledCase> load(String resource) {
        List<LabelledCase> cases = new ArrayList<>();
        try (InputStream in = LabelledCase.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) cases.add(JSON.readValue(line, LabelledCase.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}
