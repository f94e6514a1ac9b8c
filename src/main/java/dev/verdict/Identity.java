package dev.verdict;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is asking, as far as a verified token says. Produced by the identity layer and handed
 * to the evaluator, which never sees a raw token.
 */
public final class Identity {

  /** How far identity was established. */
  public enum Status { ANONYMOUS, INVALID, VERIFIED }

  private static final Identity ANONYMOUS = new Identity(Status.ANONYMOUS, null, Set.of(), Map.of(), null);

  private final Status status;
  private final String subject;
  private final Set<String> permissions;
  private final Map<String, Object> claims;
  private final String failure;

  private Identity(Status status, String subject, Set<String> permissions, Map<String, Object> claims, String failure) {
    this.status = status;
    this.subject = subject;
    this.permissions = permissions;
    this.claims = claims;
    this.failure = failure;
  }

  /** No token was presented. */
  public static Identity anonymous() {
    return ANONYMOUS;
  }

  /** A token was presented but did not verify; {@code reason} is for logs, never for clients. */
  public static Identity invalid(String reason) {
    return new Identity(Status.INVALID, null, Set.of(), Map.of(), Objects.requireNonNull(reason, "reason"));
  }

  /**
   * A fully verified token.
   *
   * @param claims the verified claims; treated as read-only
   */
  public static Identity verified(String subject, Set<String> permissions, Map<String, Object> claims) {
    // Claims may hold JSON nulls, which Map.copyOf refuses.
    return new Identity(Status.VERIFIED, subject, Set.copyOf(permissions),
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims)), null);
  }

  public Status status() {
    return status;
  }

  public boolean isVerified() {
    return status == Status.VERIFIED;
  }

  /** The token's {@code sub}, or {@code null} unless verified. */
  public String subject() {
    return subject;
  }

  public Set<String> permissions() {
    return permissions;
  }

  public Map<String, Object> claims() {
    return claims;
  }

  /** Why verification failed, or {@code null}. */
  public String failure() {
    return failure;
  }

  @Override
  public String toString() {
    return switch (status) {
      case ANONYMOUS -> "Identity[anonymous]";
      case INVALID -> "Identity[invalid: " + failure + "]";
      case VERIFIED -> "Identity[" + subject + " " + permissions + "]";
    };
  }
}
