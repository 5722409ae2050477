package dev.quarry.agents.service;

import dev.quarry.agents.model.Session;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import dev.quarry.identity.Principal;

/** Ownership: the principal a caller acts as owns what it creates; anything else is answered as missing. */
final class Owned {
    private Owned() {}

    static String owner(Acting caller) {
        return caller.caller().id();
    }

    static boolean by(Acting caller, String ownerId) {
        return owner(caller).equals(ownerId);
    }

    /** An id no longer than this is shown whole in the error; a longer one (no id is) is cut, so the answer stays small. */
    private static final int SHOWN_ID = 64;

    /**
     * Whether the caller sees a session. One run as a role for the principal that created it
     * ({@code onBehalfOf}) is seen by that principal and by the role acting for that same principal:
     * another principal that may also act in the role does not see it, since the conversation is
     * the creator's.
     */
    static boolean sees(Acting caller, Session session) {
        Principal p = caller.caller();
        if (session.onBehalfOf() == null) return p.id().equals(session.ownerId());
        return p.onBehalfOf() == null ? p.id().equals(session.onBehalfOf())
                : p.id().equals(session.ownerId()) && p.onBehalfOfId().equals(session.onBehalfOf());
    }

    static QuarryException missing(String what, String id, String param) {
        String shown = id.length() > SHOWN_ID ? id.substring(0, SHOWN_ID) + "…" : id;
        return new QuarryException(new QuarryError(ErrorKind.NOT_FOUND, "No " + what + " found with id '" + shown + "'.",
                param, null));
    }
}
