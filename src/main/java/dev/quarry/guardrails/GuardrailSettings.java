package dev.quarry.guardrails;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The config file's guardrails.
 *
 * @param defined   guardrails by id, kept in the store in step with the file
 * @param byDefault the guardrail a request (chat or embeddings) runs under when it names none, or {@code null}: then
 *                  only requests that name one are guarded (a policy can still require that they do)
 */
public record GuardrailSettings(Map<String, GuardrailSpec> defined, GuardrailRef byDefault) {
    public static final GuardrailSettings NONE = new GuardrailSettings(Map.of(), null);

    public GuardrailSettings {
        defined = Collections.unmodifiableMap(new LinkedHashMap<>(defined));
    }
}
