package dev.quarry.guardrails.semantic;

/**
 * A denied topic a text is about.
 *
 * @param score how far the text's closest window is nearer the topic than to anything else the
 *              filter knows, in cosine similarity; at least {@link TopicFilter#THRESHOLD}
 */
public record TopicMatch(String name, double score) {}
