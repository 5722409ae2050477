/** The {@code quarry} command: serve, keys, models. Wiring only. */
package dev.quarry.cli;
