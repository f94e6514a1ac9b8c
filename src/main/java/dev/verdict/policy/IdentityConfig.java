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
 * @param rolesClaim      claim holding role names, or {@code null}
 * @param roles           permissions granted by each role
 * @param requiredClaims  claims every token must carry
 * @param requireExp      whether tokens without {@code exp} are refused
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
    String permissionsClaim,
    String rolesClaim,
    Map<String, List<String>> roles,
    List<String> requiredClaims,
    boolean requireExp) {

  public IdentityConfig {
    tokens = List.copyOf(tokens);
    algorithms = List.copyOf(algorithms);
    jwks = List.copyOf(jwks);
    audience = List.copyOf(audience);
    roles = Map.copyOf(roles);
    requiredClaims = List.copyOf(requiredClaims);
  }

  /** The same settings with other keys: for tests that sign with throwaway keys. */
  public IdentityConfig withKeys(List<String> algorithms, String hmacSecret, String publicKeyPem,
                                 List<Map<String, Object>> jwks) {
    return new IdentityConfig(location, tokens, algorithms, hmacSecret, publicKeyPem, jwks, issuer, audience,
        leewaySeconds, permissionsClaim, rolesClaim, roles, requiredClaims, requireExp);
  }

  @Override
  public String toString() {
    return "IdentityConfig[algorithms=" + algorithms + ", issuer=" + issuer + ", audience=" + audience
        + ", tokens=" + tokens + ", keys=" + (hmacSecret != null ? "secret " : "") + (publicKeyPem != null ? "pem " : "")
        + (jwks.isEmpty() ? "" : jwks.size() + " jwk") + "]";
  }
}
