package dev.quarry.surface.bedrock;

import dev.quarry.aws.AwsUri;
import java.util.Optional;

/**
 * A Bedrock Runtime model path, {@code /model/{modelId}/{operation}}, read from the raw
 * (still percent-encoded) path. The model id is a label: AWS SDKs encode every reserved
 * character in it, {@code :} and {@code /} of ARNs included, so it is one raw segment, decoded here.
 */
public record ModelPath(String modelId, Operation operation) {
    private static final String PREFIX = "/model/";

    public enum Operation {
        CONVERSE("converse"),
        CONVERSE_STREAM("converse-stream"),
        INVOKE("invoke"),
        INVOKE_STREAM("invoke-with-response-stream"),
        COUNT_TOKENS("count-tokens");

        private final String segment;

        Operation(String segment) {
            this.segment = segment;
        }

        public boolean streams() {
            return this == CONVERSE_STREAM || this == INVOKE_STREAM;
        }

        static Optional<Operation> of(String segment) {
            for (Operation operation : values()) {
                if (operation.segment.equals(segment)) return Optional.of(operation);
            }
            return Optional.empty();
        }
    }

    /** The model and operation of a raw path; empty when the path names no operation of a model. */
    public static Optional<ModelPath> parse(String rawPath) {
        if (!rawPath.startsWith(PREFIX)) return Optional.empty();
        String rest = rawPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) return Optional.empty();
        String modelId;
        try {
            modelId = AwsUri.decode(rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Operation.of(rest.substring(slash + 1)).map(operation -> new ModelPath(modelId, operation));
    }
}
