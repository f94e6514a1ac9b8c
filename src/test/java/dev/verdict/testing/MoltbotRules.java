package dev.verdict.testing;

import dev.verdict.PolicyLoadException;
import dev.verdict.engine.Verdict;
import java.nio.file.Path;
import java.util.Map;

/** The real Moltbot policy from {@code rules/}, with the test secret as VERDICT_JWT_SECRET. */
public final class MoltbotRules {

  public static final Path DIR = Path.of("rules");
  public static final String PACKAGE = "moltbot.http";

  private MoltbotRules() {}

  public static Verdict load() {
    try {
      return Verdict.fromDirectory(DIR, Map.of("VERDICT_JWT_SECRET", TestTokens.MOLTBOT_SECRET)::get);
    } catch (PolicyLoadException e) {
      throw new AssertionError("rules/ must compile: " + e.getMessage(), e);
    }
  }
}
