package dev.quarry.provider.wire;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;

/** The error for a block that an upstream API has no place for: a clear 400, never a silent drop. */
public final class Unsupported {
    private Unsupported() {}

    public static QuarryException block(String api, ContentBlock block, String where) {
        return QuarryException.of(ErrorKind.UNSUPPORTED_FEATURE, "The " + api + " API cannot carry a "
                + block.getClass().getSimpleName() + " block in " + where + ".");
    }
}
