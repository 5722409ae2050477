package dev.quarry.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The parts of an HTTP request that SigV4 covers.
 *
 * @param path        the path exactly as on the wire, still percent-encoded ({@code /model/a%3A0/converse})
 * @param query       the raw query string without {@code ?}, or empty
 * @param headers     header values by name; names are lower-cased and sorted here
 * @param payloadHash lower-case hex SHA-256 of the body ({@link #sha256Hex})
 */
public record SignableRequest(String method, String path, String query, Map<String, List<String>> headers, String payloadHash) {
    public SignableRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = query == null ? "" : query;
        var lowered = new TreeMap<String, List<String>>();
        headers.forEach((name, values) -> lowered.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values),
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        headers = Collections.unmodifiableSortedMap(lowered);
        Objects.requireNonNull(payloadHash, "payloadHash");
    }

    /** A request with its body, hashed here. */
    public static SignableRequest of(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        return new SignableRequest(method, path, query, headers, sha256Hex(body));
    }

    /** The first value of a header (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The same request with one more header, for the signer to add what it signs. */
    SignableRequest withHeader(String name, String value) {
        var more = new TreeMap<>(headers);
        more.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new SignableRequest(method, path, query, more, payloadHash);
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
