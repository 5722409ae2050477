/**
 * Inbound wire protocols. Each surface decodes its protocol's requests into the canonical model
 * and encodes canonical answers and errors back, byte-exact to what that protocol's official
 * clients expect. Surfaces know nothing of policy, routing or providers; this package holds
 * what they share (JSON reading with precise errors, SSE writing, the reply shape).
 */
package dev.quarry.surface;
