/**
 * Word filters, Bedrock's {@code wordPolicyConfig}: a list of custom words and phrases, and the
 * managed profanity list. Both match whole words, ignoring case: a text is cut into words once and
 * phrases are looked up word by word, so a list of ten thousand entries costs no more per
 * character than a list of ten. Depends on nothing but {@code dev.quarry.guardrails.detect}.
 */
package dev.quarry.guardrails.words;
