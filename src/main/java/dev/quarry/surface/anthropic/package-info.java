/**
 * The Anthropic surface: Messages (streamed and not), count_tokens and the model list, as the
 * official Anthropic SDKs and Claude Code speak them, with errors in Anthropic's error shape.
 */
package dev.quarry.surface.anthropic;
