package dev.quarry.agents.runtime;

import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.store.TurnStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Hands a session's events to the streams that follow it on this node. Committed events arrive
 * from this node's runners as they commit; those committed by another node's runner (or by an API
 * call there) are found by {@link #poll}, which reads the store for followed sessions whose
 * sequence moved. Live text deltas reach only followers on the runner's node.
 */
public final class EventHub {
    private final TurnStore store;
    private final Map<String, Set<Subscription>> followers = new ConcurrentHashMap<>();

    public EventHub(TurnStore store) {
        this.store = store;
    }

    /**
     * Follows {@code sessionId}, starting after committed event {@code afterSeq}: those after it
     * already committed are read from the store once the subscription is registered, so no event
     * falls between the two.
     */
    public Subscription subscribe(String sessionId, long afterSeq) {
        Subscription subscription = new Subscription(sessionId, afterSeq, this);
        followers.computeIfAbsent(sessionId, k -> new CopyOnWriteArraySet<>()).add(subscription);
        catchUp(subscription);
        return subscription;
    }

    /** Committed events, in order, all of one session. */
    public void publish(List<SessionEvent> events) {
        if (events.isEmpty()) return;
        Set<Subscription> subscribers = followers.get(events.getFirst().sessionId());
        if (subscribers == null) return;
        for (Subscription s : subscribers) {
            if (!s.offerCommitted(events)) catchUp(s);
        }
    }

    /** A live-only event (a text delta). */
    public void publishLive(SessionEvent event) {
        Set<Subscription> subscribers = followers.get(event.sessionId());
        if (subscribers == null) return;
        for (Subscription s : subscribers) s.offerLive(event);
    }

    /**
     * Reads what other nodes committed for the followed sessions: one query learns whose
     * sequence moved (per {@value TurnStore#SEQ_BATCH} sessions), and only those are read.
     */
    public void poll() {
        Map<String, Long> last = store.lastSeqs(followers.keySet());
        last.forEach((sessionId, seq) -> {
            Set<Subscription> subscribers = followers.get(sessionId);
            if (subscribers == null) return;
            for (Subscription s : subscribers) {
                if (s.lastSeq() < seq) catchUp(s);
            }
        });
    }

    /** Ends every stream following a session here: the node is stopping; clients reconnect elsewhere with {@code Last-Event-ID}. */
    public void closeAll() {
        followers.values().forEach(set -> set.forEach(Subscription::close));
    }


    void unsubscribe(Subscription subscription) {
        followers.computeIfPresent(subscription.sessionId(), (k, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    private void catchUp(Subscription s) {
        List<SessionEvent> missed;
        do {
            missed = store.eventsAfter(s.sessionId(), s.lastSeq(), Subscription.CATCH_UP_PAGE);
            s.offerCommitted(missed);
        } while (missed.size() == Subscription.CATCH_UP_PAGE && !s.closed());
    }
}
