package dev.verdict.policy;

import dev.verdict.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * One trusted issuer with its key references resolved. Holds key material, so
 * {@link #toString()} never prints it.
 *
 * @param issuer          the exact {@code iss}; {@code null} only for the single-issuer form without
 *                        {@code issuer}, where {@code iss} is not checked
 * @param algorithms      the only algorithms this issuer's tokens may use
 * @param hmacSecret      for HS* algorithms, or {@code null}
 * @param publicKeyPem    for RS/PS/ES/EdDSA from a PEM, or {@code null}
 * @param jwks            keys of a JWKS file as plain maps, or empty
 * @param jwksUrl         an {@code https://} (or loopback {@code http://}) JWKS url fetched at run time,
 *                        or {@code null}
 * @param jwksRefreshIntervalSeconds least time between two fetches caused by unknown {@code kid}s
 * @param audience        accepted audiences; empty = not checked
 * @param permissionsClaim claim (dotted path) holding permissions
 * @param rolesClaim      claim (dotted path) holding role names, or {@code null}
 */
public record IssuerConfig(
    SourceLocation location,
    String issuer,
    List<String> algorithms,
    String hmacSecret,
    String publicKeyPem,
    List<Map<String, Object>> jwks,
    String jwksUrl,
    long jwksRefreshIntervalSeconds,
    List<String> audience,
    String permissionsClaim,
    String rolesClaim) {

  public IssuerConfig {
    algorithms = List.copyOf(algorithms);
    jwks = List.copyOf(jwks);
    audience = List.copyOf(audience);
    if (jwksRefreshIntervalSeconds < 1) {
      throw new IllegalArgumentException("jwksRefreshIntervalSeconds must be >= 1, was " + jwksRefreshIntervalSeconds);
    }
  }

  /** The same issuer with other keys (no remote JWKS): for tests that sign with throwaway keys. */
  public IssuerConfig withKeys(List<String> algorithms, String hmacSecret, String publicKeyPem,
                               List<Map<String, Object>> jwks) {
    return new IssuerConfig(location, issuer, algorithms, hmacSecret, publicKeyPem, jwks, null,
        jwksRefreshIntervalSeconds, audience, permissionsClaim, rolesClaim);
  }

  @Override
  public String toString() {
    return "IssuerConfig[issuer=" + issuer + ", algorithms=" + algorithms + ", audience=" + audience
        + ", keys=" + (hmacSecret != null ? "secret " : "") + (publicKeyPem != null ? "pem " : "")
        + (jwks.isEmpty() ? "" : jwks.size() + " jwk ") + (jwksUrl == null ? "" : "jwks " + jwksUrl) + "]";
  }
}
