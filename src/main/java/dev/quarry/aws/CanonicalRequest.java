package dev.quarry.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The SigV4 canonical request: method, canonical URI, canonical query, canonical headers,
 * signed header names and payload hash, one per line.
 *
 * <p>The canonical URI follows the AWS SDKs for every service but S3: the wire path (already
 * percent-encoded) has its dot segments removed and is then encoded once more, so a model id's
 * {@code :} is {@code %3A} on the wire and {@code %253A} here.
 */
final class CanonicalRequest {
    /** Runs of whitespace inside a header value, collapsed to one space; compiled once, as every signed header needs it. */
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private CanonicalRequest() {}

    static String of(SignableRequest request, List<String> signedHeaders) {
        return request.method() + "\n"
                + uri(request.path()) + "\n"
                + query(request.query()) + "\n"
                + headers(request.headers(), signedHeaders) + "\n"
                + String.join(";", signedHeaders) + "\n"
                + request.payloadHash();
    }

    static String uri(String wirePath) {
        if (wirePath.isEmpty()) return "/";
        String path = withoutDotSegments(wirePath.startsWith("/") ? wirePath : "/" + wirePath);
        return AwsUri.encodePath(path);
    }

    /** Parameters decoded, re-encoded strictly, and sorted by name and then value. */
    static String query(String rawQuery) {
        if (rawQuery.isEmpty()) return "";
        record Parameter(String name, String value) {}
        List<Parameter> parameters = new ArrayList<>();
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) continue;
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            parameters.add(new Parameter(AwsUri.encode(AwsUri.decode(name)), AwsUri.encode(AwsUri.decode(value))));
        }
        parameters.sort(Comparator.comparing(Parameter::name).thenComparing(Parameter::value));
        var out = new StringJoiner("&");
        for (Parameter p : parameters) out.add(p.name() + "=" + p.value());
        return out.toString();
    }

    /** {@code name:value} lines; a header's values are trimmed, inner runs of spaces collapsed, and joined by commas. */
    static String headers(Map<String, List<String>> headers, List<String> signedHeaders) {
        var out = new StringBuilder();
        for (String name : signedHeaders) {
            var values = new StringJoiner(",");
            for (String value : headers.getOrDefault(name, List.of())) values.add(SPACES.matcher(value.strip()).replaceAll(" "));
            out.append(name).append(':').append(values).append('\n');
        }
        return out.toString();
    }

    /** RFC 3986 remove_dot_segments, keeping empty segments and a trailing slash. */
    private static String withoutDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        Deque<String> kept = new ArrayDeque<>();
        for (String segment : segments) {
            switch (segment) {
                case "." -> { }
                case ".." -> kept.pollLast();
                default -> kept.addLast(segment);
            }
        }
        boolean endsAsDirectory = segments.length > 0 && (segments[segments.length - 1].equals(".") || segments[segments.length - 1].equals(".."));
        String joined = "/" + String.join("/", kept);
        return endsAsDirectory && !joined.endsWith("/") ? joined + "/" : joined;
    }
}
