package dev.quarry.guardrails;

import dev.quarry.canonical.QuarryException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The guardrail a request asked to run under: an id and a version, a number or {@code DRAFT}
 * ({@code null} until resolved: the latest published version). Bedrock names guardrails by id or
 * ARN; the ARN's last part is the id.
 *
 * @param trace  whether the client asked for the assessment in its response (Bedrock's {@code trace})
 * @param latest whether the version is the latest published one, once resolved: then a policy that
 *               requires the bare id is met (an older version or the draft meets only {@code id:version})
 */
public record GuardrailRef(String id, String version, boolean trace, boolean latest) {
    public static final String DRAFT = "DRAFT";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]*:guardrail/([a-z0-9][a-z0-9_-]{0,63})");
    private static final Pattern VERSION = Pattern.compile("DRAFT|[1-9][0-9]{0,7}");

    public GuardrailRef {
        Objects.requireNonNull(id, "id");
    }

    public GuardrailRef(String id, String version, boolean trace) {
        this(id, version, trace, false);
    }

    /**
     * Reads what a client sent, an id or a guardrail ARN and an optional version.
     *
     * @param where names the field or header, for the error
     * @throws QuarryException 400 when either is malformed
     */
    public static GuardrailRef parse(String identifier, String version, boolean trace, String where) {
        String id = normalId(identifier);
        if (!ID.matcher(id).matches()) {
            throw QuarryException.invalid(where, "'" + where + "' must be a guardrail id (lower-case letters, digits, '-' and '_') or a guardrail ARN.");
        }
        String v = version == null || version.isBlank() ? null : version.strip().toUpperCase(Locale.ROOT);
        if (v != null && !VERSION.matcher(v).matches()) {
            throw QuarryException.invalid(where, "The guardrail version must be a positive number or DRAFT, not '" + version + "'.");
        }
        return new GuardrailRef(id, v, trace);
    }

    /**
     * Reads {@code id}, {@code id:version} or a guardrail ARN with an optional {@code :version}, as
     * one string (a header, the config file's default).
     *
     * @throws QuarryException 400 naming {@code where} when it is malformed
     */
    public static GuardrailRef parseNamed(String value, boolean trace, String where) {
        // An ARN has colons of its own: the version, if any, follows the id after its '/'.
        int colon = value.indexOf(':', value.lastIndexOf('/') + 1);
        return colon < 0 ? parse(value, null, trace, where) : parse(value.substring(0, colon), value.substring(colon + 1), trace, where);
    }

    /**
     * The id an identifier names, lower-cased and taken out of an ARN, without judging it: what a
     * guardrail is stored, looked up and authorized by, so that no spelling reaches it around a policy.
     */
    public static String normalId(String identifier) {
        String id = identifier == null ? "" : identifier.strip().toLowerCase(Locale.ROOT);
        var arn = ARN.matcher(id);
        return arn.matches() ? arn.group(1) : id;
    }

    /** Bedrock Converse's {@code guardrailConfig}, as the surface decoded it into the request's extensions. */
    public static GuardrailRef fromConverse(Map<?, ?> config) {
        Object trace = config.get("trace");
        return parse(config.get("guardrailIdentifier") instanceof String id ? id : null,
                config.get("guardrailVersion") instanceof String version ? version : null,
                "enabled".equals(trace) || "enabled_full".equals(trace), "guardrailConfig.guardrailIdentifier");
    }

    /** This request's ref resolved to a version. */
    public GuardrailRef resolved(String v, boolean isLatest) {
        return new GuardrailRef(id, v, trace, isLatest);
    }

    /** Whether both name the same guardrail and version (trace aside): two ways of asking that agree. */
    public boolean sameAs(GuardrailRef other) {
        return id.equals(other.id) && Objects.equals(version, other.version);
    }

    /** {@code id:version}, as policies name it in {@code quarry:GuardrailIdentifier}. */
    @Override
    public String toString() {
        return version == null ? id : id + ":" + version;
    }
}
