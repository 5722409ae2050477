/**
 * Real tokenizers for the model families a Java library has one for (jtokkit's OpenAI encodings),
 * behind canonical's {@link dev.quarry.canonical.Tokenizer}; uses canonical and jtokkit only. The
 * gateway asks it for the routed model's prompt estimate, the server for count_tokens.
 */
package dev.quarry.tokenizer;
