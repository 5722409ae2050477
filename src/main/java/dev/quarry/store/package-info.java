/**
 * The relational store: a SQLite file by default (one node, nothing to set up), PostgreSQL for
 * several nodes. One schema, versioned by Flyway migrations written in SQL both databases accept.
 */
package dev.quarry.store;
