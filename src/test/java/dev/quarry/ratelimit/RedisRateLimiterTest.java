package dev.quarry.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Against the real Redis on 127.0.0.1:6379; every test uses its own key prefix and removes only those keys. */
class RedisRateLimiterTest {
    static final URI REDIS = URI.create("redis://127.0.0.1:6379");

    private final String prefix = "quarry-test:" + UUID.randomUUID() + ":";
    private final RedisClient redis = RedisClient.create(REDIS);

    @AfterEach
    void removeOurKeys() {
        var ours = redis.keys(prefix + "*");
        if (!ours.isEmpty()) redis.del(ours.toArray(String[]::new));
        redis.close();
    }

    private RedisRateLimiter node() {
        return RedisRateLimiter.connect(REDIS, prefix, new LocalRateLimiter(Clock.systemUTC()));
    }

    private static Charge requests(long limit) {
        return new Charge("principal:alice:requests", limit, 1, false, "requests_per_minute " + limit + " for principal 'alice'");
    }

    @Test
    void twoNodesShareOneLimitExactlyUnderConcurrency() throws Exception {
        try (RedisRateLimiter one = node(); RedisRateLimiter two = node();
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Admission>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                RedisRateLimiter node = i % 2 == 0 ? one : two;
                answers.add(threads.submit((Callable<Admission>) () -> node.admit(List.of(requests(37)))));
            }
            long admitted = 0;
            for (Future<Admission> answer : answers) {
                Admission admission = answer.get(30, TimeUnit.SECONDS);
                if (admission instanceof Admission.Admitted) admitted++;
                else assertThat(((Admission.Refused) admission).retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
            }
            assertThat(admitted).isEqualTo(37);
        }
    }

    @Test
    void aRefusalCountsNothingAndSettlingCorrectsTheSharedTokenCount() {
        try (RedisRateLimiter node = node()) {
            Charge reserve = new Charge("model:m:tokens", 100, 100, true, "tokens_per_minute 100 for model 'm'");
            var admitted = (Admission.Admitted) node.admit(List.of(reserve));
            assertThat(node.admit(List.of(requests(5), reserve))).isInstanceOfSatisfying(Admission.Refused.class,
                    refused -> assertThat(refused.charge()).isEqualTo(reserve));

            admitted.settlement().settle(40);

            assertThat(node.admit(List.of(new Charge("model:m:tokens", 100, 60, true, "")))).isInstanceOf(Admission.Admitted.class);
            for (int i = 0; i < 5; i++) assertThat(node.admit(List.of(requests(5)))).isInstanceOf(Admission.Admitted.class);
        }
    }

    @Test
    void anUnreachableRedisFallsBackToThisNodesCounters() {
        try (RedisRateLimiter node = RedisRateLimiter.connect(URI.create("redis://127.0.0.1:1"), prefix,
                new LocalRateLimiter(Clock.systemUTC()))) {
            assertThat(node.admit(List.of(requests(1)))).isInstanceOf(Admission.Admitted.class);
            assertThat(node.admit(List.of(requests(1)))).isInstanceOf(Admission.Refused.class);
        }
    }
}
