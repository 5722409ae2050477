/**
 * Requests and tokens per minute per principal, group, model and deployment. Counters live in
 * memory on one node, or in Redis when configured so that several nodes share one limit exactly.
 * Depends on nothing of Quarry but the canonical model; the gateway's rate-limit step uses it.
 */
package dev.quarry.ratelimit;
