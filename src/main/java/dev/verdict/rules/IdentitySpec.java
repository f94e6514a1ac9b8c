package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a package establishes identity: settings shared by every issuer, and the issuers whose
 * tokens are accepted. The single-issuer form (keys written directly under {@code identity}) is
 * read as one entry of {@link #issuers()}; the {@code issuers:} form lists several.
 *
 * @param tokens          where to look for the token, in order: {@code cookie:NAME} or {@code bearer}
 * @param leewaySeconds   clock skew allowed on {@code exp}, {@code nbf} and {@code iat}
 * @param roles           permissions each role grants, so least privilege is managed in rules
 * @param requiredClaims  claims every token must carry
 * @param requireExp      whether a token without {@code exp} is refused (default true)
 * @param issuers         at least one when the section parsed cleanly; chosen by the token's {@code iss}
 */
public record IdentitySpec(
    SourceLocation location,
    List<String> tokens,
    long leewaySeconds,
    Map<String, List<String>> roles,
    List<String> requiredClaims,
    boolean requireExp,
    List<IssuerSpec> issuers) {

  public IdentitySpec {
    tokens = List.copyOf(tokens);
    roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    requiredClaims = List.copyOf(requiredClaims);
    issuers = List.copyOf(issuers);
  }
}
