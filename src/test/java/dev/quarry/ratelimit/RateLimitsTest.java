package dev.quarry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final Subjects ALICE = new Subjects(List.of("alice"), List.of("eng", "ops"), "gpt-5.5", "openai/gpt-5.5");
    private static final Subjects BOB = new Subjects(List.of("bob"), List.of("eng"), "gpt-5.5", "openai/gpt-5.5");

    private static RateLimits limits(RateLimit... limits) {
        return new RateLimits(List.of(limits), new LocalRateLimiter(Clock.systemUTC()));
    }

    @Test
    void aLimitOnEachOneCountsEverySubjectSeparately() {
        RateLimits limits = limits(new RateLimit(Scope.PRINCIPAL, RateLimit.EACH, 1, 0));
        assertThat(limits.admit(ALICE, 0)).isInstanceOf(Admission.Admitted.class);
        assertThat(limits.admit(BOB, 0)).isInstanceOf(Admission.Admitted.class);
        assertThat(limits.admit(ALICE, 0)).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void aNamedLimitCountsOnlyItsSubjectAndNamesItselfWhenItRefuses() {
        RateLimits limits = limits(new RateLimit(Scope.GROUP, "ops", 1, 0));
        limits.admit(ALICE, 0);
        for (int i = 0; i < 3; i++) assertThat(limits.admit(BOB, 0)).isInstanceOf(Admission.Admitted.class);
        var refused = (Admission.Refused) limits.admit(ALICE, 0);
        assertThat(refused.charge().description()).isEqualTo("requests_per_minute 1 for group 'ops'");
        assertThat(refused.retryAfter()).isPositive();
    }

    @Test
    void aGroupLimitIsSharedByItsMembersAndDeploymentsAreLimitedByProviderAndModel() {
        RateLimits limits = limits(new RateLimit(Scope.GROUP, "eng", 0, 100),
                new RateLimit(Scope.DEPLOYMENT, "openai/gpt-5.5", 2, 0));
        limits.admit(ALICE, 60);
        var refused = (Admission.Refused) limits.admit(BOB, 60);
        assertThat(refused.charge().description()).isEqualTo("tokens_per_minute 100 for group 'eng'");
        limits.admit(BOB, 10);
        var deployment = (Admission.Refused) limits.admit(new Subjects(List.of("carol"), List.of(), "gpt", "openai/gpt-5.5"), 0);
        assertThat(deployment.charge().description()).isEqualTo("requests_per_minute 2 for deployment 'openai/gpt-5.5'");
    }

    @Test
    void aRequestLargerThanATokenLimitIsRefusedForGoodWithoutCounting() {
        RateLimits limits = limits(new RateLimit(Scope.MODEL, RateLimit.EACH, 1, 100));
        var refused = (Admission.Refused) limits.admit(ALICE, 101);
        assertThat(refused.retryAfter()).isNull();
        assertThat(refused.charge().description()).isEqualTo("tokens_per_minute 100 for model (each one) 'gpt-5.5'");
        assertThat(limits.admit(ALICE, 100)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void withNoMatchingLimitEverythingIsAdmitted() {
        RateLimits limits = limits(new RateLimit(Scope.MODEL, "claude", 1, 0));
        for (int i = 0; i < 3; i++) assertThat(limits.admit(ALICE, 1_000_000)).isInstanceOf(Admission.Admitted.class);
    }
}
