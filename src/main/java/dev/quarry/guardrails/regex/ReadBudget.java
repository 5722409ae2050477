package dev.quarry.guardrails.regex;

/**
 * The character reads the custom regexes of one request may make between them: over every text
 * of the request and every pattern of its guardrail, {@value #PER_REQUEST} reads, whatever the
 * size of the body. A read costs 5 to 10 ns when a pattern backtracks, so a request that exhausts
 * it has cost about 0.1 to 0.2 s of CPU, and nothing it sends can make it cost more; a budget per
 * character would let a 10 MiB body buy tens of seconds. Measured, ordinary filters read 0.2 to 6
 * times per character (an order number, an e-mail address, {@code password\s*[:=]\s*\S+}), so a
 * guardrail of a few such filters reads a prompt of a few million characters within the budget.
 * Not thread-safe: a request's texts are checked on its own thread.
 */
public final class ReadBudget {
    public static final long PER_REQUEST = 20_000_000;

    private final long total;
    private long left;

    public ReadBudget() {
        this(PER_REQUEST);
    }

    ReadBudget(long total) {
        this.total = total;
        this.left = total;
    }

    /** Spends one read of {@code regexName} on a text of {@code textLength} characters; throws when none is left. */
    void read(String regexName, int textLength) {
        if (--left < 0) throw new RegexBudgetExceeded(regexName, textLength, total);
    }

    /** Whether a read was refused: every later one will be too. */
    public boolean exhausted() {
        return left < 0;
    }

    /** The reads spent so far. */
    public long spent() {
        return total - Math.max(left, 0);
    }
}
