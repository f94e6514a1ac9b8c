/**
 * Establishes identity: finds the token in a request, verifies it with vertx-auth-jwt against a
 * package's keys, algorithm allow-list, issuer, audience and time claims, and turns the verified
 * claims into an {@link dev.verdict.Identity}.
 *
 * <p>Decides nothing about permissions. Never parses or verifies JWTs by hand.
 */
package dev.verdict.identity;
