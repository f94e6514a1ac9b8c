package dev.verdict.identity;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Revocations held in this process; thread-safe. */
public final class InMemoryRevocationList implements RevocationList {

  private final Map<String, Boolean> tokens = new ConcurrentHashMap<>();
  private final Map<String, Long> sessions = new ConcurrentHashMap<>();

  InMemoryRevocationList() {}

  /** Refuses the token with this {@code jti} from now on. */
  public void revokeToken(String jti) {
    tokens.put(jti, Boolean.TRUE);
  }

  /** Refuses every token of {@code subject} issued before {@code epochSeconds}. */
  public void revokeSessions(String subject, long epochSeconds) {
    sessions.merge(subject, epochSeconds, Math::max);
  }

  // Both checks run on every verified-token cache hit. With nothing revoked (the usual case) the
  // isEmpty() test answers without hashing the key: the jti and subject strings belong to a cached
  // token and are usually out of the CPU cache. A revocation racing with a check may or may not be
  // seen by it, with or without the test, as with any concurrent map lookup.

  @Override
  public boolean isTokenRevoked(String jti) {
    return jti != null && !tokens.isEmpty() && tokens.containsKey(jti);
  }

  @Override
  public long sessionsRevokedAt(String subject) {
    Long at = subject == null || sessions.isEmpty() ? null : sessions.get(subject);
    return at == null ? Long.MIN_VALUE : at;
  }
}
