/**
 * Detectors for the personally identifiable information a guardrail masks or blocks, one per
 * Bedrock PII entity type that can be found reliably by shape, validation (a checksum, a range, a
 * known prefix) and the words just before a value. {@link dev.quarry.guardrails.pii.PiiDetectors}
 * is the entry point; the types a pattern cannot find reliably (names, addresses) are refused
 * with the reason.
 */
package dev.quarry.guardrails.pii;
