package dev.verdict.identity;

/**
 * Tokens and sessions revoked before they expire. Consulted on every verification, cached or not,
 * so a revocation takes effect at once. Implementations must be fast and non-blocking: the
 * in-memory one is the default; a shared store (Redis) mirrors into one.
 */
public interface RevocationList {

  /** Whether the token with this {@code jti} has been revoked. */
  boolean isTokenRevoked(String jti);

  /**
   * When the subject's sessions were last revoked (epoch seconds): tokens issued before then, or
   * in that same second, are refused. {@link Long#MIN_VALUE} when never.
   */
  long sessionsRevokedAt(String subject);

  /** Nothing is ever revoked. */
  static RevocationList none() {
    return NoRevocations.INSTANCE;
  }

  /** A fresh in-memory list. */
  static InMemoryRevocationList inMemory() {
    return new InMemoryRevocationList();
  }
}

enum NoRevocations implements RevocationList {
  INSTANCE;

  @Override
  public boolean isTokenRevoked(String jti) {
    return false;
  }

  @Override
  public long sessionsRevokedAt(String subject) {
    return Long.MIN_VALUE;
  }
}
