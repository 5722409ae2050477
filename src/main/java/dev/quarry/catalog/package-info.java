/**
 * The model catalog: which model ids (and aliases) Quarry knows, what each can do, and which
 * deployments (a provider plus the upstream model name) may serve it.
 */
package dev.quarry.catalog;
