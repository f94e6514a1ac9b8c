package dev.verdict.policy;

import dev.verdict.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * A package's identity settings with every reference resolved: the secret read from the
 * environment, PEM and JWKS files read. Holds key material, so {@link #toString()} never prints it.
 *
 * @param tokens          token sources in order: {@code cookie:NAME} or {@code bearer}
 * @param hmacSecret      for HS* algorithms, or {@code null}
 * @param publicKeyPem    for RS/PS/ES/EdDSA from a PEM, or {@code null}
 * @param jwks            keys of a JWKS document as plain maps, or empty
 * @param audience        accepted audiences; empty = not checked
 */
public record IdentityConfig(
    SourceLocation location,
    List<String> tokens,
    List<String> algorithms,
    String hmacSecret,
    String publicKeyPem,
    List<Map<String, Object>> jwks,
    String issuer,
    List<String> audience,
    long leewaySeconds,
    String permissionsClaim) {

  public IdentityConfig {
    tokens = List.copyOf(tokens);
    algorithms = List.copyOf(algorithms);
    jwks = List.copyOf(jwks);
    audience = List.copyOf(audience);
  }

  @Override
  public String toString() {
    return "IdentityConfig[algorithms=" + algorithms + ", issuer=" + issuer + ", audience=" + audience
        + ", tokens=" + tokens + ", keys=" + (hmacSecret != null ? "secret " : "") + (publicKeyPem != null ? "pem " : "")
        + (jwks.isEmpty() ? "" : jwks.size() + " jwk") + "]";
  }
}
