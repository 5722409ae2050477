/**
 * {@code quarry/echo}: a deterministic test model that needs no network. See {@link dev.quarry.provider.echo.EchoScript}
 * for what it answers.
 */
package dev.quarry.provider.echo;
