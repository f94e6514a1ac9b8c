package dev.verdict.identity;

import dev.verdict.Request;
import java.util.List;

/**
 * Finds the token in a request. Every configured source is read: two different tokens (a cookie
 * for one user, a bearer header for another; a cookie set twice) are a conflict, refused rather
 * than resolved by order, since the service behind may read the other one.
 */
final class TokenExtractor {

  /** Returned by {@link #find} when sources disagree; compared by identity. */
  static final String CONFLICT = new String("conflicting credentials");

  /** Per source: the cookie name, or {@code null} for the bearer header. Built once, not per request. */
  private final String[] cookies;

  private TokenExtractor(String[] cookies) {
    this.cookies = cookies;
  }

  /** An extractor for sources such as {@code cookie:access_token} and {@code bearer}. */
  static TokenExtractor of(List<String> sources) {
    String[] cookies = new String[sources.size()];
    for (int i = 0; i < cookies.length; i++) {
      String source = sources.get(i);
      cookies[i] = source.equals("bearer") ? null : source.substring("cookie:".length());
    }
    return new TokenExtractor(cookies);
  }

  /** The token, {@code null} when no source carries one, or {@link #CONFLICT}. */
  String find(Request request) {
    String found = null;
    for (String cookie : cookies) {
      String token = cookie == null ? bearer(request.header("authorization")) : cookie(request.header("cookie"), cookie);
      if (token == CONFLICT) return CONFLICT;
      if (token == null || token.isEmpty()) continue;
      if (found != null && !found.equals(token)) return CONFLICT;
      found = token;
    }
    return found;
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 7) return null;
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return authorization.substring(7).trim();
  }

  private static String cookie(String header, String name) {
    if (header == null) return null;
    String found = null;
    int i = 0;
    int n = header.length();
    while (i < n) {
      int end = header.indexOf(';', i);
      if (end < 0) end = n;
      int eq = header.indexOf('=', i);
      if (eq > 0 && eq < end && header.substring(i, eq).trim().equals(name)) {
        String value = header.substring(eq + 1, end).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (found != null && !found.equals(value)) return CONFLICT;
        found = value;
      }
      i = end + 1;
    }
    return found;
  }
}
