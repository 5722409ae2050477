/**
 * Wiring only: HTTP routes from each surface to the gateway, health and admin endpoints, start-up
 * and graceful shutdown. No business logic lives here.
 */
package dev.quarry.server;
