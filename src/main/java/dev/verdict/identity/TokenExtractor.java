package dev.verdict.identity;

import dev.verdict.Request;
import java.util.List;

/** Finds the token in a request, trying the configured sources in order. */
final class TokenExtractor {

  private TokenExtractor() {}

  /** The token, or {@code null} when no source carries one. */
  static String find(Request request, List<String> sources) {
    for (String source : sources) {
      String token = source.equals("bearer") ? bearer(request.header("authorization"))
          : cookie(request.header("cookie"), source.substring("cookie:".length()));
      if (token != null && !token.isEmpty()) return token;
    }
    return null;
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 7) return null;
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return authorization.substring(7).trim();
  }

  private static String cookie(String header, String name) {
    if (header == null) return null;
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
        return value;
      }
      i = end + 1;
    }
    return null;
  }
}
