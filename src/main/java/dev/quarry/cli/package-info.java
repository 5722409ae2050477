/**
 * The {@code quarry} command: {@code serve} runs a server and {@code audit verify} reads a store;
 * every other command is a client of a running Quarry's admin API ({@link dev.quarry.cli.AdminApi}),
 * so what it changes is authorized by policy and audited like any HTTP call. Wiring and printing only.
 */
package dev.quarry.cli;
