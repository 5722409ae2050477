/**
 * The Amazon Bedrock Runtime surface: Converse and ConverseStream, and InvokeModel (with and
 * without a response stream) for the native bodies of four families — Anthropic, OpenAI (gpt-oss),
 * Meta Llama and Amazon Nova — told apart by their shape ({@link dev.quarry.surface.bedrock.InvokeFamily}). Streams are
 * {@code application/vnd.amazon.eventstream} frames ({@link dev.quarry.aws.EventStreamCodec});
 * errors are restJson1 ({@code X-Amzn-Errortype} and {@code {"message": …}}).
 */
package dev.quarry.surface.bedrock;
