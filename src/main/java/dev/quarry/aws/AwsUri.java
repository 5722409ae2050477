package dev.quarry.aws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding the way AWS SDKs do it (RFC 3986): every byte except the unreserved
 * characters {@code A-Z a-z 0-9 - _ . ~} becomes {@code %XX} with upper-case hex. This is how a
 * path label such as a Bedrock model id goes on the wire ({@code v1:0} → {@code v1%3A0}) and how
 * SigV4 encodes the canonical URI and query.
 */
public final class AwsUri {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AwsUri() {}

    /** Encodes every reserved character, {@code /} included: for a path label or a query name or value. */
    public static String encode(String text) {
        return encode(text, false);
    }

    /** Encodes a whole path, keeping its {@code /} separators. */
    public static String encodePath(String path) {
        return encode(path, true);
    }

    /**
     * Decodes {@code %XX} escapes (as UTF-8). Unlike form decoding, {@code +} stays a plus sign:
     * AWS clients encode a space as {@code %20}.
     *
     * @throws IllegalArgumentException for a {@code %} not followed by two hex digits
     */
    public static String decode(String text) {
        if (text.indexOf('%') < 0) return text;
        var out = new ByteArrayOutputStream(text.length());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            if (i + 2 >= bytes.length) throw new IllegalArgumentException("truncated escape in '" + text + "'");
            int hi = Character.digit(bytes[i + 1], 16);
            int lo = Character.digit(bytes[i + 2], 16);
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad escape in '" + text + "'");
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String text, boolean keepSlashes) {
        var out = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (unreserved(b) || keepSlashes && b == '/') {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean unreserved(byte b) {
        return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.' || b == '~';
    }
}
