package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.util.List;

/**
 * One issuer a package trusts: its keys, audience and permission mapping. Key references
 * ({@code secret}, {@code public_key}, {@code jwks}) are kept as written; the compiler resolves
 * {@code ${env:NAME}} and {@code file:PATH} and checks {@code jwks} urls.
 *
 * @param issuer          the exact {@code iss}; {@code null} only in the single-issuer form, where it
 *                        means {@code iss} is not checked
 * @param algorithms      the only algorithms this issuer's tokens may use; never {@code none}
 * @param jwksRefreshIntervalSeconds for a remote {@code jwks}: the least time between two fetches
 *                        caused by tokens that name an unknown {@code kid}
 * @param audience        accepted audiences; empty means the {@code aud} claim is not checked
 * @param permissionsClaim claim holding permissions: an array, or for {@code scope} a space-separated
 *                        string; a dotted path reaches a nested claim
 * @param rolesClaim      claim (dotted path) holding role names, or {@code null}
 */
public record IssuerSpec(
    SourceLocation location,
    String issuer,
    List<String> algorithms,
    Located secret,
    Located publicKey,
    Located jwks,
    long jwksRefreshIntervalSeconds,
    List<String> audience,
    String permissionsClaim,
    String rolesClaim) {

  /** Default least time between two JWKS fetches caused by unknown {@code kid}s. */
  public static final long DEFAULT_JWKS_REFRESH_INTERVAL_SECONDS = 30;

  public IssuerSpec {
    algorithms = List.copyOf(algorithms);
    audience = List.copyOf(audience);
  }
}
