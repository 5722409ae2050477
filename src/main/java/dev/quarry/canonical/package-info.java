/**
 * The canonical conversation model every surface decodes into and every provider encodes from.
 *
 * <p>It is shaped after Bedrock Converse and Anthropic Messages, the richest of the wire models,
 * so that nothing a client sends is lost on the way to a provider. It depends on nothing else
 * in Quarry and on no library: JSON values (tool schemas, tool inputs) travel as JSON text.
 */
package dev.quarry.canonical;
