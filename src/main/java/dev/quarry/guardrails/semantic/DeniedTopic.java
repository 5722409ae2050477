package dev.quarry.guardrails.semantic;

import java.util.List;

/**
 * A subject the guardrail refuses, in Bedrock's shape: a name, a definition of what the topic
 * covers, and a few sample prompts that belong to it.
 *
 * @param name       1 to 100 characters
 * @param definition 1 to 200 characters; say what is denied (telling someone what to buy), not
 *                   merely the subject (finance), or neighbouring allowed prompts match too
 * @param examples   up to 5 prompts of 1 to 100 characters each
 */
public record DeniedTopic(String name, String definition, List<String> examples) {
    public static final int MAX_NAME = 100;
    public static final int MAX_DEFINITION = 200;
    public static final int MAX_EXAMPLES = 5;
    public static final int MAX_EXAMPLE = 100;

    public DeniedTopic {
        requireLength("name", name, MAX_NAME);
        requireLength("definition", definition, MAX_DEFINITION);
        if (examples == null) examples = List.of();
        if (examples.size() > MAX_EXAMPLES) {
            throw new IllegalArgumentException("examples: at most " + MAX_EXAMPLES + " per topic, got " + examples.size());
        }
        for (int i = 0; i < examples.size(); i++) requireLength("examples[" + i + "]", examples.get(i), MAX_EXAMPLE);
        examples = List.copyOf(examples);
    }

    private static void requireLength(String field, String value, int max) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(field + ": must not be blank");
        if (value.length() > max) {
            throw new IllegalArgumentException(field + ": at most " + max + " characters, got " + value.length());
        }
    }
}
