package dev.quarry.ratelimit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Counters in Redis, shared by every node that names the same Redis, so several nodes admit
 * exactly one limit between them. A request's check-and-count over all its limits is one Lua
 * script: one round trip, atomic, and timed by Redis's clock, so nodes whose clocks disagree
 * still agree on the window.
 *
 * <p>When Redis cannot be reached the node falls back to its own in-memory counters, logging it
 * loudly, and tries Redis again after {@link #RETRY_REDIS_AFTER}. Limits are then enforced per
 * node rather than shared (up to limit × nodes) until Redis is back: a counter store that is
 * down must not stop all model traffic, while budgets, which guard money, do not depend on it.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class.getName());
    static final Duration RETRY_REDIS_AFTER = Duration.ofSeconds(5);
    /** Enough connections that requests rarely queue for one: each holds it for one short script. */
    private static final int POOL_SIZE = 32;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /**
     * KEYS: the counters, without their window. ARGV: the window in milliseconds, then a limit and
     * a cost per key. Returns {1, window} when admitted, else {0, index of the slowest key, wait}.
     * The arithmetic is {@link SlidingWindow#waitMillis}'s, which documents it.
     */
    private static final String ADMIT = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local size = tonumber(ARGV[1])
            local window = math.floor(now / size)
            local remaining = size - (now - window * size)
            local slowest, longest = 0, 0
            for i, key in ipairs(KEYS) do
              local limit, cost = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
              local current = tonumber(redis.call('GET', key .. ':' .. window) or '0')
              local previous = tonumber(redis.call('GET', key .. ':' .. (window - 1)) or '0')
              local wait = 0
              if previous * remaining + (current + cost) * size > limit * size then
                if current + cost <= limit then
                  wait = remaining - math.floor((limit - current - cost) * size / previous)
                else
                  wait = remaining + size - math.floor((limit - cost) * size / current)
                end
              end
              if wait > longest then slowest, longest = i, wait end
            end
            if slowest > 0 then return {0, slowest, longest} end
            for i, key in ipairs(KEYS) do
              local counter = key .. ':' .. window
              redis.call('INCRBY', counter, ARGV[2 * i + 1])
              redis.call('PEXPIRE', counter, 2 * size)
            end
            return {1, window}
            """;

    /** KEYS: window counters; ARGV: what to add to each. A counter that expired no longer counts. */
    private static final String CORRECT = """
            for i, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[i]) end
            end
            return 0
            """;

    private final RedisClient redis;
    private final String prefix;
    private final RateLimiter fallback;
    private volatile long sharedAgainAtNanos = System.nanoTime();
    private volatile boolean fallingBack;

    /** @param prefix put before every key, so other users of the same Redis are left alone */
    RedisRateLimiter(RedisClient redis, String prefix, RateLimiter fallback) {
        this.redis = redis;
        this.prefix = prefix;
        this.fallback = fallback;
    }

    /**
     * Timeouts are short and a request never queues long for a connection: a slow Redis must turn
     * into the fallback quickly, not into slow requests. RESP2 skips the protocol negotiation,
     * since the scripts' replies read the same in both.
     */
    public static RedisRateLimiter connect(URI url, String prefix, RateLimiter fallback) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setMaxWait(TIMEOUT);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .protocol(RedisProtocol.RESP2)
                .connectionTimeoutMillis((int) TIMEOUT.toMillis())
                .socketTimeoutMillis((int) TIMEOUT.toMillis())
                .user(JedisURIHelper.getUser(url))
                .password(JedisURIHelper.getPassword(url))
                .ssl(JedisURIHelper.isRedisSSLScheme(url));
        if (JedisURIHelper.hasDbIndex(url)) client.database(JedisURIHelper.getDBIndex(url));
        return new RedisRateLimiter(RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(url))
                .clientConfig(client.build()).poolConfig(pool).build(), prefix, fallback);
    }

    @Override
    public Admission admit(List<Charge> charges) {
        if (fallingBack && System.nanoTime() - sharedAgainAtNanos < 0) return fallback.admit(charges);
        List<String> keys = new ArrayList<>(charges.size());
        List<String> args = new ArrayList<>(1 + 2 * charges.size());
        args.add(Long.toString(SlidingWindow.WINDOW.toMillis()));
        for (Charge charge : charges) {
            keys.add(prefix + charge.key());
            args.add(Long.toString(charge.limit()));
            args.add(Long.toString(charge.cost()));
        }
        List<?> answer;
        try {
            answer = (List<?>) redis.eval(ADMIT, keys, args);
        } catch (JedisException e) {
            fallBack(e);
            return fallback.admit(charges);
        }
        recovered();
        if ((Long) answer.get(0) == 0) {
            return new Admission.Refused(charges.get(((Long) answer.get(1)).intValue() - 1), Duration.ofMillis((Long) answer.get(2)));
        }
        long window = (Long) answer.get(1);
        List<Charge> reserved = charges.stream().filter(Charge::tokens).toList();
        return new Admission.Admitted(actual -> correct(window, reserved, actual));
    }

    private void correct(long window, List<Charge> reserved, long actualTokens) {
        if (reserved.isEmpty()) return;
        List<String> keys = reserved.stream().map(c -> prefix + c.key() + ":" + window).toList();
        List<String> differences = reserved.stream().map(c -> Long.toString(actualTokens - c.cost())).toList();
        try {
            redis.eval(CORRECT, keys, differences);
        } catch (JedisException e) {
            // The reservation stays counted until its window expires: limits err on the strict side.
            LOG.warning(() -> "could not correct token reservations in Redis: " + e.getMessage());
        }
    }

    private void fallBack(JedisException e) {
        sharedAgainAtNanos = System.nanoTime() + RETRY_REDIS_AFTER.toNanos();
        if (!fallingBack) {
            fallingBack = true;
            LOG.severe(() -> "Redis is unreachable (" + e.getMessage() + "); rate limits are now counted per node, "
                    + "not shared, until it is back");
        }
    }

    private void recovered() {
        if (fallingBack) {
            fallingBack = false;
            LOG.warning("Redis is reachable again; rate limits are shared again");
        }
    }

    @Override
    public void close() {
        redis.close();
        fallback.close();
    }
}
