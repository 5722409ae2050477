/**
 * The AWS wire protocols Quarry speaks on both sides: the {@code application/vnd.amazon.eventstream}
 * framing ({@link dev.quarry.aws.EventStreamCodec}) and Signature Version 4
 * ({@link dev.quarry.aws.SigV4}), signing outbound calls and verifying inbound ones.
 *
 * <p>A protocol library: it depends on nothing but {@code java.*}, so the Bedrock surface and the
 * Bedrock provider share one implementation without depending on each other.
 */
package dev.quarry.aws;
