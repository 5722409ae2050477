/**
 * What every provider's wire codec is built from: the JSON helpers, the pull-based decoder that
 * turns an upstream's frames (SSE events, event-stream messages) into canonical events, the
 * numbering of content blocks, the tool schema and unsupported-block rules they share, and the
 * function form of free-form (custom) tools for upstreams that have only JSON tools.
 * Each provider keeps its own wire types in its {@code internal} package and builds on these.
 */
package dev.quarry.provider.wire;
