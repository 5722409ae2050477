/**
 * The governed path every request takes, whatever surface it came in on: an ordered list of
 * {@link dev.quarry.gateway.Step}s (audit, authenticate, decode, settle, route, invoke) that all see the same
 * {@link dev.quarry.gateway.Exchange}. Steps on the way back wrap the returned stream rather
 * than buffer it, so streaming stays streaming.
 */
package dev.quarry.gateway;
