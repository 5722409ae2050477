/**
 * The tamper-evident audit trail: one event per API call and per admin change, appended in
 * order, each carrying the hash of the one before; every so often a digest of the chain so far is
 * signed with an Ed25519 key and chained to the previous digest. Changing, removing or reordering
 * an event, or removing a digest, breaks a hash or a signature that {@link dev.quarry.audit.AuditVerifier}
 * checks. Prompts and answers are never in it.
 */
package dev.quarry.audit;
