package dev.quarry.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The condition keys Quarry fills in for every request, and the kind of value each holds. */
public enum ConditionKey {
    REQUESTED_REGION("quarry:RequestedRegion", ValueKind.STRING),
    MODEL_PROVIDER("quarry:ModelProvider", ValueKind.STRING),
    /** The region of the deployment that would serve the call; absent when the deployment states none. */
    DEPLOYMENT_REGION("quarry:DeploymentRegion", ValueKind.STRING),
    MODEL_FAMILY("quarry:ModelFamily", ValueKind.STRING),
    PRINCIPAL_NAME("quarry:PrincipalName", ValueKind.STRING),
    PRINCIPAL_TYPE("quarry:PrincipalType", ValueKind.STRING),
    SOURCE_IP("quarry:SourceIp", ValueKind.IP),
    CURRENT_TIME("quarry:CurrentTime", ValueKind.DATE),
    MAX_TOKENS("quarry:MaxTokens", ValueKind.NUMBER),
    /**
     * The guardrail a model call runs under, as {@code id:version} and, for the latest published
     * version, the bare {@code id}; absent without one. A policy requires a guardrail by allowing only with
     * it (Bedrock's {@code bedrock:GuardrailIdentifier}).
     */
    GUARDRAIL_IDENTIFIER("quarry:GuardrailIdentifier", ValueKind.STRING),
    /** {@code quarry:PrincipalTag/<tag>}: one key per tag name. */
    PRINCIPAL_TAG("quarry:PrincipalTag/", ValueKind.STRING);

    /** What a key's values are, which decides the operators that may test it. */
    public enum ValueKind { STRING, NUMBER, DATE, IP }

    private final String name;
    private final ValueKind kind;

    ConditionKey(String name, ValueKind kind) {
        this.name = name;
        this.kind = kind;
    }

    public String keyName() {
        return name;
    }

    public ValueKind kind() {
        return kind;
    }

    /** The key a policy names, case-insensitively, or empty when Quarry has no such key. */
    public static Optional<ConditionKey> of(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k == PRINCIPAL_TAG
                        ? lower.startsWith(k.name.toLowerCase(Locale.ROOT)) && lower.length() > k.name.length()
                        : lower.equals(k.name.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** The key for one principal tag. */
    public static String tag(String tagName) {
        return PRINCIPAL_TAG.name + tagName;
    }
}
