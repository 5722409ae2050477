/**
 * Outbound adapters: each provider turns a canonical request into its upstream's wire format and
 * the upstream's answer back into canonical {@link dev.quarry.canonical.StreamEvent}s. Providers
 * only stream; they never retry (routing owns retries) and they map every upstream failure to a
 * canonical {@link dev.quarry.canonical.ErrorKind}.
 */
package dev.quarry.provider;
