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

    static QuarryException missing(String what, String id, String param) {
        return new QuarryException(new QuarryError(ErrorKind.NOT_FOUND, "No " + what + " found with id '" + id + "'.",
                param, null));
    }
}
