/**
 * The OpenAI surface: Chat Completions, Responses, Embeddings and Models, as the official OpenAI
 * SDKs and Codex CLI speak them, with errors in OpenAI's error object.
 */
package dev.quarry.surface.openai;
