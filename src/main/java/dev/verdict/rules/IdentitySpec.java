package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.util.List;

/**
 * How a package establishes identity. Key references ({@code secret}, {@code public_key},
 * {@code jwks}) are kept as written; the compiler resolves {@code ${env:NAME}} and {@code file:PATH}.
 *
 * @param tokens          where to look for the token, in order: {@code cookie:NAME} or {@code bearer}
 * @param algorithms      the only algorithms a token may use; never {@code none}
 * @param audience        accepted audiences; empty means the {@code aud} claim is not checked
 * @param leewaySeconds   clock skew allowed on {@code exp}, {@code nbf} and {@code iat}
 * @param permissionsClaim claim holding permissions: an array, or for {@code scope} a space-separated string;
 *                        a dotted path reaches a nested claim
 * @param rolesClaim      claim (dotted path) holding role names, or {@code null}
 * @param roles           permissions each role grants, so least privilege is managed in rules
 * @param requiredClaims  claims every token must carry
 * @param requireExp      whether a token without {@code exp} is refused (default true)
 */
public record IdentitySpec(
    SourceLocation location,
    List<String> tokens,
    List<String> algorithms,
    Located secret,
    Located publicKey,
    Located jwks,
    String issuer,
    List<String> audience,
    long leewaySeconds,
    String permissionsClaim,
    String rolesClaim,
    java.util.Map<String, List<String>> roles,
    List<String> requiredClaims,
    boolean requireExp) {

  public IdentitySpec {
    tokens = List.copyOf(tokens);
    algorithms = List.copyOf(algorithms);
    audience = List.copyOf(audience);
    roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
    requiredClaims = List.copyOf(requiredClaims);
  }
}
