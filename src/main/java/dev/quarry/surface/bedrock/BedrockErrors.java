package dev.quarry.surface.bedrock;

import dev.quarry.aws.EventStreamMessage;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.util.HashMap;
import java.util.Map;

/**
 * Errors as Bedrock Runtime sends them (restJson1): the error's name in {@code X-Amzn-Errortype},
 * the status AWS models for it, and {@code {"message": …}}. AWS SDKs pick the exception class from
 * the header, so the name matters more than the status.
 *
 * <p>Authentication failures follow AWS's own split: a key nobody knows is an
 * {@code UnrecognizedClientException}; a known key whose signature is wrong, expired or
 * mis-scoped an {@code InvalidSignatureException} (the authenticator marks those with the
 * {@code Authorization} header as the param at fault); a malformed signature header an
 * {@code IncompleteSignatureException}.
 */
public final class BedrockErrors {
    private BedrockErrors() {}

    /** An error name and the HTTP status AWS sends with it. */
    record AwsError(String name, int status) {}

    public static WireReply reply(QuarryError error) {
        AwsError aws = of(error);
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Amzn-Errortype", aws.name());
        if (error.retryAfter() != null) headers.put("Retry-After", Long.toString(Math.max(1, (error.retryAfter().toMillis() + 999) / 1000)));
        return new WireReply(aws.status(), "application/json", body(error), headers);
    }

    /**
     * A failure after a stream began, as the exception frame of the stream. The frame types are
     * the members of the operation's event union, so only the ones both stream operations model
     * are used; everything coming from the model is a {@code modelStreamErrorException}.
     */
    public static EventStreamMessage exceptionFrame(QuarryError error) {
        String type = switch (error.kind()) {
            case RATE_LIMITED -> "throttlingException";
            case UPSTREAM_UNAVAILABLE -> "serviceUnavailableException";
            case INTERNAL -> "internalServerException";
            case INVALID_REQUEST, UNSUPPORTED_FEATURE, CONTEXT_WINDOW_EXCEEDED, CONTENT_FILTERED -> "validationException";
            default -> "modelStreamErrorException";
        };
        return EventStreamMessage.exception(type, body(error));
    }

    static AwsError of(QuarryError error) {
        boolean signature = SigV4Authorization.HEADER.equals(error.param());
        return switch (error.kind()) {
            case INVALID_REQUEST -> signature ? new AwsError("IncompleteSignatureException", 400) : validation();
            case UNSUPPORTED_FEATURE, CONTEXT_WINDOW_EXCEEDED, CONTENT_FILTERED, MODEL_UNAVAILABLE, PAYLOAD_TOO_LARGE,
                 UNSUPPORTED_MEDIA_TYPE -> validation();
            case AUTHENTICATION -> new AwsError(signature ? "InvalidSignatureException" : "UnrecognizedClientException", 403);
            case PERMISSION_DENIED -> new AwsError("AccessDeniedException", 403);
            case NOT_FOUND, MODEL_NOT_FOUND -> new AwsError("ResourceNotFoundException", 404);
            case CONFLICT -> new AwsError("ConflictException", 409);
            case RATE_LIMITED -> new AwsError("ThrottlingException", 429);
            // Bedrock's own "quota exhausted" error, with the canonical 402 the AWS SDKs do not retry.
            case BUDGET_EXCEEDED -> new AwsError("ServiceQuotaExceededException", 402);
            case INTERNAL -> new AwsError("InternalServerException", 500);
            case UPSTREAM_ERROR -> new AwsError("ModelErrorException", 424);
            case UPSTREAM_UNAVAILABLE -> new AwsError("ServiceUnavailableException", 503);
            case UPSTREAM_TIMEOUT -> new AwsError("ModelTimeoutException", 408);
        };
    }

    private static AwsError validation() {
        return new AwsError("ValidationException", 400);
    }

    private static byte[] body(QuarryError error) {
        return Json.bytes(Json.object().put("message", error.message()));
    }

    /** Bedrock's answer to a path under {@code /model/} that names no operation. */
    public static WireReply unknownOperation(String path) {
        return new WireReply(404, "application/json", Json.bytes(Json.object().put("message", "No operation matches " + path + ".")),
                Map.of("X-Amzn-Errortype", "UnknownOperationException"));
    }
}
