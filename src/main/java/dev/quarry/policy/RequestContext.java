package dev.quarry.policy;

import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills in the condition keys that describe the caller and how it called: its name, type and tags,
 * the region a SigV4 signature was scoped to, the source IP and the time. Model calls add the
 * model's keys to these; admin calls use them as they are.
 */
public final class RequestContext {
    private final Clock clock;

    public RequestContext(Clock clock) {
        this.clock = clock;
    }

    /** The caller's condition keys, in a map the caller may add to. */
    public Map<String, List<String>> caller(Principal principal, Credential credential, String sourceIp) {
        Map<String, List<String>> context = new HashMap<>();
        context.put(ConditionKey.PRINCIPAL_NAME.keyName(), List.of(principal.name()));
        context.put(ConditionKey.PRINCIPAL_TYPE.keyName(), List.of(principal.kind().name()));
        principal.tags().forEach((key, value) -> context.put(ConditionKey.tag(key), List.of(value)));
        context.put(ConditionKey.CURRENT_TIME.keyName(), List.of(clock.instant().toString()));
        if (sourceIp != null) context.put(ConditionKey.SOURCE_IP.keyName(), List.of(sourceIp));
        if (credential instanceof Credential.SigV4 signed) {
            try {
                String region = SigV4Authorization.parse(signed.request().header(SigV4Authorization.HEADER)).scope().region();
                context.put(ConditionKey.REQUESTED_REGION.keyName(), List.of(region));
            } catch (SigV4Exception e) {
                // Unreachable after authentication verified this very header; without a region, region conditions do not match.
            }
        }
        return context;
    }
}
