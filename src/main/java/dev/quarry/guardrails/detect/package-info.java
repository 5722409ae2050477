/**
 * The contracts guardrail detectors meet: pattern detectors that report spans (PII, custom
 * regexes, word lists) and the embedder that semantic filters (denied topics, prompt attacks)
 * compare texts with. The detectors live in sub-packages of {@code dev.quarry.guardrails}.
 */
package dev.quarry.guardrails.detect;
