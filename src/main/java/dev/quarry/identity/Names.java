package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.util.regex.Pattern;

/**
 * What names of principals, groups and tags may look like. Names appear in policy resources
 * ({@code principal/NAME}) and trust entries ({@code group:NAME}), so they exclude {@code :},
 * {@code /}, {@code *} and {@code ?}, which mean something there.
 */
final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+=-]{0,127}");
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}");
    static final int MAX_TAG_VALUE = 256;
    static final int MAX_TAGS = 50;

    private Names() {}

    static String require(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A " + what + " name is 1 to 128 letters, digits and . _ @ + = -, "
                    + "starting with a letter or digit" + (name == null ? "" : " (got '" + name + "')") + ".");
        }
        return name;
    }

    static void requireTag(String key, String value) {
        if (!TAG_KEY.matcher(key).matches()) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A tag key is 1 to 128 letters, digits and . _ : / = + @ -, "
                    + "starting with a letter or digit (got '" + key + "').");
        }
        if (value == null || value.length() > MAX_TAG_VALUE) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "The value of tag '" + key + "' must be text of at most " + MAX_TAG_VALUE + " characters.");
        }
    }
}
