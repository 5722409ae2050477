/**
 * IAM-style policies: a JSON language shaped like the clouds' ({@code Statement[{Effect, Action,
 * Resource, Condition}]}), validated on write, and an evaluator with the clouds' semantics:
 * default deny, an explicit deny always wins, and a permission boundary caps what identity
 * policies can allow. Pure logic: no store, no I/O.
 */
package dev.quarry.policy;
