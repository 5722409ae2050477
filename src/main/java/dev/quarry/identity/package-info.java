/**
 * Who is calling: principals with their tags, groups and roles; API keys and SigV4 pairs with
 * their lifecycle (rotation, disable, delete, expiry, last use); temporary credentials of assumed
 * roles; and the authenticator that serves key lookups from memory, refreshed when the store's
 * identity version moves.
 */
package dev.quarry.identity;
