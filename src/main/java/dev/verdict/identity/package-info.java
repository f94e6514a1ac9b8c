/**
 * Establishes identity: finds the token in a request, chooses the package's issuer by the token's
 * {@code iss}, verifies it with vertx-auth-jwt against that issuer's keys, algorithm allow-list,
 * issuer and audience and the package's time claims, and turns the verified claims into an
 * {@link dev.verdict.Identity}. Owns the keys too: fixed ones from the rules, and remote JWKS
 * fetched with vertx-web-client, never on a path that blocks an event loop. Also the
 * verified-token cache and revocation.
 *
 * <p>Decides nothing about permissions. Never parses or verifies JWTs by hand, and never fetches
 * or trusts a key a token names.
 */
package dev.verdict.identity;
