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
 * @param permissionsClaim claim holding permissions: an array, or for {@code scope} a space-separated string
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
    String permissionsClaim) {

  public IdentitySpec {
    tokens = List.copyOf(tokens);
    algorithms = List.copyOf(algorithms);
    audience = List.copyOf(audience);
  }
}
