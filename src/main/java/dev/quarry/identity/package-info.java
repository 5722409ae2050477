/** Who is calling: principals and their API keys, and the authenticator that serves key lookups from memory. */
package dev.quarry.identity;
