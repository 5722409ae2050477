/**
 * The semantic guardrail filters, which judge what a text means rather than how it is spelled:
 * {@link dev.quarry.guardrails.semantic.TopicFilter} (Bedrock's denied topics) and
 * {@link dev.quarry.guardrails.semantic.PromptAttackFilter} (jailbreaks and prompt injection).
 * Both compare sentence embeddings from an {@link dev.quarry.guardrails.detect.Embedder}, one
 * batched call per text, so they know no provider: the server hands them the local MiniLM model.
 * Their thresholds were calibrated for all-MiniLM-L6-v2; another embedding model needs them
 * calibrated again, which the calibration tests beside their unit tests do.
 */
package dev.quarry.guardrails.semantic;
