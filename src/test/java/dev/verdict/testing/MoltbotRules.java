package dev.verdict.testing;

import dev.verdict.PolicyLoadException;
import dev.verdict.engine.Verdict;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The real Moltbot policy from {@code rules/}, with the test secret as VERDICT_JWT_SECRET. */
public final class MoltbotRules {

  public static final Path DIR = Path.of("rules");
  public static final String PACKAGE = "moltbot.http";

  private MoltbotRules() {}

  public static Verdict load() {
    return load(Clock.systemUTC());
  }

  /** Deciding, and verifying tokens, at the times {@code clock} tells. */
  public static Verdict load(Clock clock) {
    try {
      return Verdict.fromDirectory(DIR, Map.of("VERDICT_JWT_SECRET", TestTokens.MOLTBOT_SECRET)::get, clock);
    } catch (PolicyLoadException e) {
      throw new AssertionError("rules/ must compile: " + e.getMessage(), e);
    }
  }
}
