package dev.verdict.policy;

import dev.verdict.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * A package's identity settings with every reference resolved: settings shared by all issuers,
 * and the issuers themselves, each with its own keys. A token is verified by the issuer its
 * {@code iss} names, and by that issuer's keys only.
 *
 * @param tokens          token sources in order: {@code cookie:NAME} or {@code bearer}
 * @param leewaySeconds   clock skew allowed on {@code exp}, {@code nbf} and {@code iat}
 * @param roles           permissions granted by each role
 * @param requiredClaims  claims every token must carry
 * @param requireExp      whether tokens without {@code exp} are refused
 * @param issuers         at least one; at most one has no {@code issuer}, and then it is the only one
 */
public record IdentityConfig(
    SourceLocation location,
    List<String> tokens,
    long leewaySeconds,
    Map<String, List<String>> roles,
    List<String> requiredClaims,
    boolean requireExp,
    List<IssuerConfig> issuers) {

  public IdentityConfig {
    tokens = List.copyOf(tokens);
    roles = Map.copyOf(roles);
    requiredClaims = List.copyOf(requiredClaims);
    issuers = List.copyOf(issuers);
    if (issuers.isEmpty()) throw new IllegalArgumentException("identity needs at least one issuer");
    if (issuers.size() > 1 && issuers.stream().anyMatch(i -> i.issuer() == null)) {
      throw new IllegalArgumentException("with several issuers, each needs its `issuer`");
    }
    if (issuers.stream().map(IssuerConfig::issuer).distinct().count() != issuers.size()) {
      throw new IllegalArgumentException("issuers must be distinct");
    }
  }

  /** Settings of the single-issuer form: one issuer, written directly under {@code identity}. */
  public static IdentityConfig single(SourceLocation location, List<String> tokens, long leewaySeconds,
                                      Map<String, List<String>> roles, List<String> requiredClaims,
                                      boolean requireExp, IssuerConfig issuer) {
    return new IdentityConfig(location, tokens, leewaySeconds, roles, requiredClaims, requireExp, List.of(issuer));
  }

  /** The same shared settings with other issuers: for tests that sign with throwaway keys. */
  public IdentityConfig withIssuers(List<IssuerConfig> replacement) {
    return new IdentityConfig(location, tokens, leewaySeconds, roles, requiredClaims, requireExp, replacement);
  }

  /** Every algorithm some issuer allows: a token naming any other is refused before its issuer is looked up. */
  public List<String> algorithms() {
    return issuers.stream().flatMap(i -> i.algorithms().stream()).distinct().toList();
  }

  @Override
  public String toString() {
    return "IdentityConfig[tokens=" + tokens + ", issuers=" + issuers + "]";
  }
}
