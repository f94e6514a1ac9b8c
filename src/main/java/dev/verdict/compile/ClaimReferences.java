package dev.verdict.compile;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The top-level token claims an expression reads by a fixed name: {@code token.auth_time},
 * {@code token.?amr}, {@code token['acr']}. A claim chosen by a computed key ({@code token[x]}) is
 * not named, so it is not listed.
 */
final class ClaimReferences {

  /**
   * A string literal, consumed whole so that {@code 'token.x'} inside one is never read as a
   * reference, or a {@code token} root (not a property of something else) and its first step.
   */
  private static final Pattern REFERENCE = Pattern.compile(
      "'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\""
          + "|(?<![\\w.?])token\\s*(?:\\.\\??\\s*([A-Za-z_]\\w*)|\\[\\s*'([^'\\\\]*)'\\s*]|\\[\\s*\"([^\"\\\\]*)\"\\s*])");

  private ClaimReferences() {}

  static Set<String> in(String source) {
    Set<String> claims = new LinkedHashSet<>();
    Matcher m = REFERENCE.matcher(source);
    while (m.find()) {
      for (int group = 1; group <= 3; group++) {
        if (m.group(group) != null) claims.add(m.group(group));
      }
    }
    return claims;
  }
}
