package dev.quarry.budget;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The spending caps of managed-agent sessions ({@code spend_control.limit}), in memory on the node
 * that runs the session's turn: only the lease holder makes a session's model calls. An account
 * counts reservations and settlements as a budget does, and takes in what the ledger says the
 * session spent whenever no call of it is in flight here: a session's turns may each run on another
 * node, whose spending this node sees only there. The ledger is written in batches, so it is the
 * larger of the two that counts: what this node settled may not be in it yet. Accounts of sessions
 * idle longest are dropped past {@value #MAX_ACCOUNTS}.
 */
public final class SessionBudgets {
    static final int MAX_ACCOUNTS = 10_000;
    /** The param of the refusal, so the harness can tell a session's cap from any other budget. */
    public static final String PARAM = "spend_control.limit";

    private final ToLongFunction<String> spentBySession;
    private final Map<String, Account> accounts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Account> eldest) {
            return size() > MAX_ACCOUNTS && eldest.getValue().reserved == 0;
        }
    };

    /** @param spentBySession the session's spend in the ledger, in micro-dollars */
    public SessionBudgets(ToLongFunction<String> spentBySession) {
        this.spentBySession = spentBySession;
    }

    private static final class Account {
        long spent;
        long reserved;

        Account(long spent) {
            this.spent = spent;
        }
    }

    /** One call's view of a session's cap: the ledger is read (at most) once, when the view is opened. */
    public Cap cap(String sessionId, long limitMicros) {
        return new Cap(account(sessionId), limitMicros);
    }

    /** What the session may still spend, reservations held counted as spent. */
    public long remaining(String sessionId, long limitMicros) {
        return cap(sessionId, limitMicros).remaining();
    }

    /**
     * Reserves {@code micros} against the session's cap.
     *
     * @throws QuarryException {@link ErrorKind#BUDGET_EXCEEDED} with param {@value #PARAM} when it does not fit
     */
    public Held reserve(String sessionId, long limitMicros, long micros) {
        return cap(sessionId, limitMicros).reserve(micros);
    }

    /** A session's cap as one call sees it: what is left, and reserving on it. */
    public final class Cap {
        private final Account account;
        private final long limitMicros;

        private Cap(Account account, long limitMicros) {
            this.account = account;
            this.limitMicros = limitMicros;
        }

        public long remaining() {
            synchronized (SessionBudgets.this) {
                return Math.max(0, limitMicros - account.spent - account.reserved);
            }
        }

        /** @throws QuarryException {@link ErrorKind#BUDGET_EXCEEDED} with param {@value #PARAM} when {@code micros} does not fit */
        public Held reserve(long micros) {
            synchronized (SessionBudgets.this) {
                if (account.spent + account.reserved + micros > limitMicros) {
                    throw new QuarryException(new QuarryError(ErrorKind.BUDGET_EXCEEDED, "The session's spending limit of $"
                            + dollars(limitMicros) + " (spend_control.limit) would be passed: $" + dollars(account.spent)
                            + " spent, and this call may cost up to $" + dollars(micros) + ". Raise the session's spend_control.limit to go on.",
                            PARAM, null));
                }
                account.reserved += micros;
            }
            return new Held(account, micros);
        }
    }

    /** A reservation on one session's cap, settled once with the call's actual cost. */
    public final class Held {
        private final Account account;
        private final long micros;
        private boolean settled;

        private Held(Account account, long micros) {
            this.account = account;
            this.micros = micros;
        }

        public void settle(long actualMicros) {
            synchronized (SessionBudgets.this) {
                if (settled) return;
                settled = true;
                account.reserved -= micros;
                account.spent += actualMicros;
            }
        }
    }

    private Account account(String sessionId) {
        synchronized (this) {
            Account known = accounts.get(sessionId);
            if (known != null && known.reserved > 0) return known; // a call in flight here: this node runs the session now
        }
        long spent = spentBySession.applyAsLong(sessionId); // read outside the lock
        synchronized (this) {
            Account account = accounts.computeIfAbsent(sessionId, id -> new Account(spent));
            account.spent = Math.max(account.spent, spent);
            return account;
        }
    }

    private static String dollars(long micros) {
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }
}
