/**
 * Custom regex filters, Bedrock's {@code regexesConfig}. A pattern is admitted only if
 * {@link dev.quarry.guardrails.regex.RegexSafety} finds none of the shapes that make a
 * backtracking engine take exponential time; matching then runs on a read budget, so a pattern
 * that is slow in a way the check does not know is stopped rather than left to spin. Depends on
 * nothing but {@code dev.quarry.guardrails.detect}.
 */
package dev.quarry.guardrails.regex;
