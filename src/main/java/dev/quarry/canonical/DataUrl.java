package dev.quarry.canonical;

import java.util.Set;

/**
 * An inline image, as the {@code data:} URL a canonical {@link ContentBlock.Image} keeps, split
 * into what upstreams that want raw bytes ask for: the media type and the base64 payload.
 *
 * <p>Only {@code data:image/(png|jpeg|gif|webp);base64,<base64>} is an inline image. Surfaces
 * check it as they decode, because the guard does not read image bytes: anything else in such a
 * URL (a card number as the "media type") would reach the upstream unread, and every provider
 * forwards the media type and the data as they are.
 */
public record DataUrl(String mediaType, String base64) {
    /** The image types every provider Quarry calls takes inline. */
    public static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private static final String PREFIX = "data:";
    private static final String BASE64_MARK = ";base64,";

    /**
     * @param field names the URL in the client's request, for the error
     * @throws QuarryException 400 when the URL is not a base64 {@code data:} URL of one of {@link #IMAGE_TYPES}
     */
    public static DataUrl parse(String url, String field) {
        int mark = url.indexOf(BASE64_MARK);
        if (!url.startsWith(PREFIX) || mark < 0) {
            throw QuarryException.invalid(field, "'" + field + "' must be a base64 data: URL of an image (data:image/png;base64,<data>;"
                    + " png, jpeg, gif or webp).");
        }
        return of(url.substring(PREFIX.length(), mark), field, url.substring(mark + BASE64_MARK.length()), field);
    }

    /**
     * An inline image given as its media type and base64 data, each checked.
     *
     * @throws QuarryException 400 naming the field at fault
     */
    public static DataUrl of(String mediaType, String mediaTypeField, String base64, String dataField) {
        if (!IMAGE_TYPES.contains(mediaType)) {
            throw QuarryException.invalid(mediaTypeField, "'" + mediaTypeField + "' must name an image type: image/png, image/jpeg, image/gif"
                    + " or image/webp.");
        }
        if (!Base64Text.isBase64(base64)) throw QuarryException.invalid(dataField, "'" + dataField + "' must be non-empty base64 data.");
        return new DataUrl(mediaType, base64);
    }

    /** An image as a client gave its URL: an inline one is checked ({@link #parse}), one by reference kept as it is. */
    public static ContentBlock.Image image(String url, String field) {
        return url.startsWith(PREFIX) ? parse(url, field).image() : new ContentBlock.Image(url);
    }

    /** The canonical image of this URL. */
    public ContentBlock.Image image() {
        return new ContentBlock.Image(PREFIX + mediaType + BASE64_MARK + base64);
    }

    /** The subtype alone, as Bedrock names image formats: {@code png} of {@code image/png}. */
    public String subtype() {
        return mediaType.substring(mediaType.indexOf('/') + 1);
    }
}
