package dev.quarry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How failed authentications are bucketed: a /64 is one source, and a known key's tries are never counted with strangers'. */
class AuthenticationFailuresTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");

    @Test
    void addressesOfOneIpv6Slash64ShareABucket() {
        AuthenticationFailures failures = new AuthenticationFailures();
        long recorded = IntStream.range(0, 50).filter(i -> failures.admit(anonymous("2001:db8:1:2::" + Integer.toHexString(i + 1)))).count();
        assertThat(recorded).isEqualTo(AuthenticationFailures.RECORDED_PER_MINUTE);
        assertThat(failures.ended(NOW, true)).singleElement()
                .satisfies(e -> assertThat(e.resource()).isEqualTo("source/2001:db8:1:2::/64/further/40"));
        assertThat(AuthenticationFailures.sourceBucket("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(AuthenticationFailures.sourceBucket("not:an:address")).isEqualTo("not:an:address");
    }

    @Test
    void anonymousFailuresRecordedAsThemselvesAreCappedAcrossSources() {
        AuthenticationFailures failures = new AuthenticationFailures();
        long recorded = IntStream.range(0, 5_000).filter(i -> failures.admit(anonymous("10.1." + i / 250 + "." + i % 250))).count();
        assertThat(recorded).isEqualTo(AuthenticationFailures.ANONYMOUS_RECORDED_PER_MINUTE);
        long counted = failures.ended(NOW, true).stream()
                .mapToLong(e -> Long.parseLong(e.resource().substring(e.resource().lastIndexOf('/') + 1))).sum();
        assertThat(recorded + counted).isEqualTo(5_000);
    }

    @Test
    void aKnownKeysTriesHaveTheirOwnBucketWhateverTheSourceSentBefore() {
        AuthenticationFailures failures = new AuthenticationFailures();
        for (int i = 0; i < 20; i++) failures.admit(anonymous("10.0.0.9"));
        AuditEvent tried = new AuditEvent(UUID.randomUUID().toString(), NOW, "p-admin", "admin", "10.0.0.9", null, "quarry:InvokeModel",
                "model/*", "deny", "key/k-1", null, "AUTHENTICATION");
        assertThat(AuthenticationFailures.isFailure(tried)).isTrue();
        assertThat(IntStream.range(0, 3).allMatch(i -> failures.admit(tried))).isTrue();
    }

    @Test
    void anAnonymousCallRefusedForItsBodyIsThrottledLikeAFailedAuthenticationButAFaultOfOursIsNot() {
        // A SigV4 call whose body cannot be read authenticates no one: anyone can send it, so it must not bloat the trail.
        AuditEvent tooLarge = new AuditEvent(UUID.randomUUID().toString(), NOW, null, null, null, "10.0.0.9", null, "quarry:ApplyGuardrail",
                "guardrail/g", "error", null, "req_1", "PAYLOAD_TOO_LARGE", null, null);
        AuditEvent internal = new AuditEvent(UUID.randomUUID().toString(), NOW, null, null, null, "10.0.0.9", null, "quarry:InvokeModel",
                "model/*", "error", null, "req_2", "INTERNAL", null, null);
        assertThat(AuthenticationFailures.isFailure(tooLarge)).isTrue();
        assertThat(AuthenticationFailures.isFailure(internal)).isFalse();
        AuthenticationFailures failures = new AuthenticationFailures();
        long recorded = IntStream.range(0, 50).filter(i -> failures.admit(tooLarge)).count();
        assertThat(recorded).isEqualTo(AuthenticationFailures.RECORDED_PER_MINUTE);
    }

    private static AuditEvent anonymous(String source) {
        return new AuditEvent(UUID.randomUUID().toString(), NOW, null, null, source, null, "quarry:InvokeModel", "model/*", "deny",
                null, null, "AUTHENTICATION");
    }
}
