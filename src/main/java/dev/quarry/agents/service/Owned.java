package dev.quarry.agents.service;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;

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

    static QuarryException missing(String what, String id, String param) {
        String shown = id.length() > SHOWN_ID ? id.substring(0, SHOWN_ID) + "…" : id;
        return new QuarryException(new QuarryError(ErrorKind.NOT_FOUND, "No " + what + " found with id '" + shown + "'.",
                param, null));
    }
}
