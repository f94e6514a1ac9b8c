package dev.verdict.bench;

import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Inputs shared by the benchmarks: the Moltbot policy as shipped in {@code rules/}, a verified
 * identity, and a fixed, realistic mix of requests. Everything here runs in setup, never measured.
 */
final class Moltbot {

  /** System property naming the rules directory; defaults to {@code ../rules}, then {@code rules}. */
  static final String RULES_PROPERTY = "verdict.rules";

  static final String PACKAGE = "moltbot.http";

  static final String BROWSER_UA =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
  static final String FIREFOX_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0";
  static final String CURL_UA = "curl/8.5.0";
  static final String PYTHON_UA = "python-requests/2.31.0";

  private Moltbot() {}

  /** Compiles the Moltbot policy, with a fixed 64-byte JWT secret in place of the environment. */
  static CompiledPolicy policy() throws PolicyLoadException {
    return PolicyCompiler.create(name -> "x".repeat(64)).compileDirectory(rulesDir());
  }

  /**
   * The rules directory: {@code -Dverdict.rules=...} when given, else {@code ../rules} (run from
   * {@code benchmarks/}), else {@code rules} (run from the repository root).
   */
  static Path rulesDir() {
    String configured = System.getProperty(RULES_PROPERTY);
    if (configured != null) return Path.of(configured);
    for (String candidate : List.of("../rules", "rules")) {
      Path dir = Path.of(candidate);
      if (Files.isRegularFile(dir.resolve("moltbot.yaml"))) return dir;
    }
    throw new IllegalStateException("no rules/moltbot.yaml under " + Path.of("").toAbsolutePath()
        + " or its parent; pass -D" + RULES_PROPERTY + "=<dir>");
  }

  /** Alice, as the identity layer hands her over after verifying her token. */
  static Identity alice() {
    return Identity.verified("alice", Set.of("bots:read", "chat:send", "conversations:read"),
        Map.of("sub", "alice", "bots", List.of("b1", "b2")));
  }

  /** The steady hot path: an allowed read of one bot, from the office, in a browser. */
  static Request allowedRead() {
    return get("/api/bots/b1", "10.1.4.27", BROWSER_UA);
  }

  static Request health() {
    return new Request("GET", "/health", Map.of("user-agent", "kube-probe/1.30", "accept", "*/*"), "10.0.0.12");
  }

  /**
   * {@code count} requests (a power of two) drawn with a fixed seed from the traffic a chatbot API
   * sees: mostly reads and messages, some denied admin and legacy calls, office and outside
   * addresses, browsers and scripts. The same array on every run.
   */
  static Request[] mix(int count) {
    if (Integer.bitCount(count) != 1) throw new IllegalArgumentException("count must be a power of two");
    Random random = new Random(20240517L);
    List<Request> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String ip = random.nextInt(10) < 6
          ? "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254))
          : "203.0.113." + (1 + random.nextInt(254));
      int u = random.nextInt(20);
      String ua = u < 9 ? BROWSER_UA : u < 13 ? FIREFOX_UA : u < 17 ? CURL_UA : u < 19 ? PYTHON_UA : null;
      String bot = "b" + (1 + random.nextInt(3)); // b3 is not in alice's token
      int kind = random.nextInt(64);
      Request r;
      if (kind < 20) {
        r = get("/api/bots/" + bot + (kind % 4 == 0 ? "?fields=name,model" : ""), ip, ua);
      } else if (kind < 30) {
        r = get("/api/bots/" + bot + "/conversations/c9" + (kind % 3 == 0 ? "?limit=50" : ""), ip, ua);
      } else if (kind < 40) {
        r = post("/api/bots/" + bot + "/messages", ip, ua);
      } else if (kind < 44) {
        r = get("/api/bots/b1/conversations/export", ip, ua);
      } else if (kind < 48) {
        r = get("/api/me", ip, ua);
      } else if (kind < 52) {
        r = get("/api/admin/users", ip, ua);
      } else if (kind < 54) {
        r = get("/api/admin/debug/heap", ip, ua);
      } else if (kind < 58) {
        r = get("/api/v0/x", ip, ua);
      } else if (kind < 61) {
        r = health();
      } else {
        r = get("/api/bots", ip, ua);
      }
      out.add(r);
    }
    return out.toArray(Request[]::new);
  }

  private static Request get(String path, String ip, String ua) {
    return new Request("GET", path, headers(ua, "application/json"), ip);
  }

  private static Request post(String path, String ip, String ua) {
    Map<String, String> h = ua == null
        ? Map.of("accept", "application/json", "content-type", "application/json", "content-length", "57")
        : Map.of("user-agent", ua, "accept", "application/json", "content-type", "application/json",
            "content-length", "57");
    return new Request("POST", path, h, ip);
  }

  private static Map<String, String> headers(String ua, String accept) {
    return ua == null
        ? Map.of("accept", accept, "accept-encoding", "gzip, deflate, br")
        : Map.of("user-agent", ua, "accept", accept, "accept-encoding", "gzip, deflate, br");
  }
}
