/**
 * IAM-style policies: a JSON language shaped like the clouds' ({@code Statement[{Effect, Action,
 * Resource, Condition}]}), validated on write, and an evaluator with the clouds' semantics:
 * default deny, an explicit deny always wins, and a permission boundary caps what identity
 * policies can allow. The language and evaluator are pure logic; {@link dev.quarry.policy.PolicyStore}
 * keeps policies in the store and {@link dev.quarry.policy.PolicyDirectory} serves decisions from
 * memory, reloading when the store's version counters move.
 */
package dev.quarry.policy;
