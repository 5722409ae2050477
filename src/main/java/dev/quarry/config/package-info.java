/** The configuration file (YAML): server settings, store, providers and models; read once at start-up. */
package dev.quarry.config;
