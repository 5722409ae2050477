package dev.quarry.provider.wire;

import dev.quarry.canonical.QuarryException;

/**
 * An inline image, as the {@code data:} URL a canonical {@link dev.quarry.canonical.ContentBlock.Image}
 * keeps, split into what upstreams that want raw bytes ask for: the media type and the base64 payload.
 */
public record DataUrl(String mediaType, String base64) {
    private static final String BASE64_MARK = ";base64,";

    /** @throws QuarryException when the URL is not a base64 {@code data:} URL */
    public static DataUrl parse(String url) {
        int mark = url.indexOf(BASE64_MARK);
        if (!url.startsWith("data:") || mark < 0) {
            throw QuarryException.invalid("messages", "An inline image must be a base64 data: URL "
                    + "(data:<media type>;base64,<data>); got one starting " + Json.excerpt(url.substring(0, Math.min(40, url.length()))));
        }
        // Parameters other than base64 (e.g. ;charset=) may stand between the type and the mark.
        String type = url.substring("data:".length(), mark);
        int parameter = type.indexOf(';');
        return new DataUrl(parameter < 0 ? type : type.substring(0, parameter), url.substring(mark + BASE64_MARK.length()));
    }

    /** The subtype alone, as Bedrock names image formats: {@code png} of {@code image/png}. */
    public String subtype() {
        int slash = mediaType.indexOf('/');
        return slash < 0 ? mediaType : mediaType.substring(slash + 1);
    }
}
