package dev.quarry.provider.openai.internal;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;

/** The error for a block that an upstream API has no place for: a clear 400, never a silent drop. */
final class Unsupported {
    private Unsupported() {}

    static QuarryException block(String api, ContentBlock block, String where) {
        return QuarryException.of(ErrorKind.UNSUPPORTED_FEATURE, "The " + api + " API cannot carry a "
                + block.getClass().getSimpleName() + " block in " + where + ".");
    }
}
