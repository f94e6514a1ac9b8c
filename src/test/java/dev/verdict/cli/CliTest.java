package dev.verdict.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `verdict` command as a user runs it: exit codes and what it prints. */
class CliTest {

  private static final String SECRET = "cli-test-secret-0123456789abcdef-0123456789abcdef";

  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = VerdictCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The Moltbot policy, copied with its secret read from a file so no environment is needed. */
  private Path moltbotWithFileSecret() throws Exception {
    Path rules = dir.resolve("rules");
    Files.createDirectories(rules);
    Files.writeString(rules.resolve("secret.txt"), SECRET);
    String policy = Files.readString(Path.of("rules/moltbot.yaml"))
        .replace("${env:VERDICT_JWT_SECRET}", "file:secret.txt");
    Files.writeString(rules.resolve("moltbot.yaml"), policy);
    return rules;
  }

  @Test
  void check_validRules_exits0_andSummarisesEachPackage() throws Exception {
    Run r = run("check", moltbotWithFileSecret().toString());
    assertEquals(0, r.exit, r.out + r.err);
    assertTrue(r.out.contains("package moltbot.http (/v1/data/moltbot/http), 11 routes, 4 risk signals"), r.out);
  }

  @Test
  void check_brokenRules_exits1_listingEveryProblemWithPosition() throws Exception {
    Path rules = dir.resolve("broken");
    Files.createDirectories(rules);
    Files.writeString(rules.resolve("shop.yaml"), String.join("\n",
        "package: shop.http",
        "routes:",
        "  - id: a",
        "    path: /a",
        "    permision: x",
        "  - id: a",
        "    path: /b",
        "    public: true",
        ""));
    Path file = rules.resolve("shop.yaml");
    Run r = run("check", rules.toString());
    assertEquals(1, r.exit);
    List<String> lines = r.out.lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(":5:5: error[unknown_key]: unknown key `permision`; did you mean `permission`?")), r.out);
    assertTrue(lines.stream().anyMatch(l -> l.contains(":6:9: error[duplicate_route_id]")), r.out);
    assertTrue(lines.stream().allMatch(l -> l.startsWith(file.toString()) || l.startsWith(rules.relativize(file).toString())
        || l.contains("shop.yaml") || l.endsWith("found")), r.out);
    assertTrue(r.out.strip().endsWith("problems found"), r.out);
  }

  @Test
  void token_mintsAnHs256TokenThatVerifiesWithThePackageSecret() throws Exception {
    Run r = run("token", "--rules", moltbotWithFileSecret().toString(), "--sub", "alice",
        "--permissions", "bots:read,chat:send", "--ttl", "10m", "--claim", "bots=[\"b1\"]");
    assertEquals(0, r.exit, r.err);
    SignedJWT jwt = SignedJWT.parse(r.out.strip());
    assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
    assertEquals("HS256", jwt.getHeader().getAlgorithm().getName());
    assertEquals("alice", jwt.getJWTClaimsSet().getSubject());
    assertEquals("https://auth.moltbot.example", jwt.getJWTClaimsSet().getIssuer());
    assertEquals(List.of("moltbot-api"), jwt.getJWTClaimsSet().getAudience());
    assertEquals(List.of("bots:read", "chat:send"), jwt.getJWTClaimsSet().getStringListClaim("permissions"));
    assertEquals(List.of("b1"), jwt.getJWTClaimsSet().getStringListClaim("bots"));
    long ttl = (jwt.getJWTClaimsSet().getExpirationTime().getTime() - jwt.getJWTClaimsSet().getIssueTime().getTime()) / 1000;
    assertEquals(600, ttl);
  }

  /** Two HS256 issuers and an RS256 one, secrets from files. */
  private Path threeIssuers() throws Exception {
    Path rules = dir.resolve("issuers");
    Files.createDirectories(rules);
    Files.writeString(rules.resolve("staff.txt"), SECRET);
    Files.writeString(rules.resolve("partner.txt"), SECRET.toUpperCase());
    Files.writeString(rules.resolve("shop.yaml"), """
        package: shop.http
        identity:
          issuers:
            - issuer: https://devices.example
              algorithms: [RS256]
              jwks: https://devices.example/jwks.json
            - issuer: https://staff.example
              algorithms: [HS256]
              secret: file:staff.txt
              audience: staff
            - issuer: https://partners.example
              algorithms: [HS256]
              secret: file:partner.txt
              permissions_claim: scope
        routes:
          - id: orders
            path: /orders
            permission: orders:read
        """);
    return rules;
  }

  @Test
  void token_withSeveralIssuers_signsForTheFirstWithAnHmacSecret() throws Exception {
    Run r = run("token", "--rules", threeIssuers().toString(), "--sub", "ann", "--permissions", "orders:read");
    assertEquals(0, r.exit, r.err);
    SignedJWT jwt = SignedJWT.parse(r.out.strip());
    assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
    assertEquals("https://staff.example", jwt.getJWTClaimsSet().getIssuer());
    assertEquals(List.of("staff"), jwt.getJWTClaimsSet().getAudience());
    assertEquals(List.of("orders:read"), jwt.getJWTClaimsSet().getStringListClaim("permissions"));
  }

  @Test
  void token_issuerOption_choosesTheIssuer_itsSecretAndItsPermissionClaim() throws Exception {
    Run r = run("token", "--rules", threeIssuers().toString(), "--issuer", "https://partners.example",
        "--sub", "bob", "--permissions", "orders:read,orders:list");
    assertEquals(0, r.exit, r.err);
    SignedJWT jwt = SignedJWT.parse(r.out.strip());
    assertTrue(jwt.verify(new MACVerifier(SECRET.toUpperCase().getBytes(StandardCharsets.UTF_8))));
    assertEquals("https://partners.example", jwt.getJWTClaimsSet().getIssuer());
    assertEquals("orders:read orders:list", jwt.getJWTClaimsSet().getStringClaim("scope"));
  }

  @Test
  void token_issuerOption_unknownOrWithoutSecret_isAUsageError() throws Exception {
    Path rules = threeIssuers();
    Run unknown = run("token", "--rules", rules.toString(), "--issuer", "https://nobody.example", "--sub", "a");
    assertEquals(2, unknown.exit);
    assertTrue(unknown.err.contains("package `shop.http` has no issuer `https://nobody.example`"), unknown.err);
    Run noSecret = run("token", "--rules", rules.toString(), "--issuer", "https://devices.example", "--sub", "a");
    assertEquals(2, noSecret.exit);
    assertTrue(noSecret.err.contains("issuer `https://devices.example` has no HS* secret to sign with"), noSecret.err);
  }

  @Test
  void token_badTtl_isAUsageError() throws Exception {
    Run r = run("token", "--rules", moltbotWithFileSecret().toString(), "--sub", "a", "--ttl", "forever");
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("`forever`"), r.err);
  }

  @Test
  void eval_decidesARequestFromAFile() throws Exception {
    Path rules = moltbotWithFileSecret();
    Path input = dir.resolve("input.json");
    Files.writeString(input, "{\"input\": {\"method\": \"GET\", \"path\": \"/api/bots/b1\", \"ip\": \"10.0.0.1\"}}");
    Run r = run("eval", "--rules", rules.toString(), "--input", input.toString());
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("\"error\" : \"Unauthenticated\""), r.out);
  }

  @Test
  void eval_now_decidesAsOfThatTime_forTheTokenAndForExpressions() throws Exception {
    Path rules = moltbotWithFileSecret();
    // Valid for five minutes around 2001-09-09T01:46:40Z, so long expired by the wall clock.
    java.time.Instant then = java.time.Instant.ofEpochSecond(1_000_000_000L);
    String token = dev.verdict.testing.TestTokens.hs256(SECRET, new com.nimbusds.jwt.JWTClaimsSet.Builder()
        .subject("alice").issuer(dev.verdict.testing.TestTokens.MOLTBOT_ISSUER)
        .audience(dev.verdict.testing.TestTokens.MOLTBOT_AUDIENCE).issueTime(java.util.Date.from(then.minusSeconds(60)))
        .expirationTime(java.util.Date.from(then.plusSeconds(300))).claim("permissions", List.of("bots:read")).build());
    Path input = dir.resolve("input.json");
    Files.writeString(input, "{\"input\": {\"method\": \"GET\", \"path\": \"/api/bots/b1\", \"ip\": \"10.0.0.1\","
        + " \"headers\": {\"authorization\": \"Bearer " + token + "\", \"user-agent\": \"Mozilla/5.0\"}}}");

    Run current = run("eval", "--rules", rules.toString(), "--input", input.toString());
    assertEquals(0, current.exit, current.err);
    assertTrue(current.out.contains("\"error\" : \"Invalid token\""), current.out);
    for (String now : List.of("1000000000", "2001-09-09T01:46:40Z")) {
      Run asOfThen = run("eval", "--rules", rules.toString(), "--input", input.toString(), "--now", now);
      assertEquals(0, asOfThen.exit, asOfThen.err);
      assertTrue(asOfThen.out.contains("\"allow\" : true"), asOfThen.out);
    }
    Run bad = run("eval", "--rules", rules.toString(), "--input", input.toString(), "--now", "yesterday");
    assertEquals(2, bad.exit);
    assertTrue(bad.err.contains("`yesterday` is not a time"), bad.err);
  }

  @Test
  void serve_withBrokenRules_refusesToStart() throws Exception {
    Path rules = dir.resolve("bad");
    Files.createDirectories(rules);
    Files.writeString(rules.resolve("x.yaml"), "package: [oops\n");
    Run r = run("serve", "--rules", rules.toString(), "--port", "0");
    assertEquals(1, r.exit);
    assertTrue(r.err.contains("error[invalid_yaml]"), r.err);
  }

  @Test
  void unknownSubcommand_isAUsageError() {
    assertEquals(2, run("frobnicate").exit);
  }

  @Test
  void test_shippedCases_pass_andEndWithTheSummaryLine() throws Exception {
    Path rules = moltbotWithFileSecret();
    Files.copy(Path.of("rules/moltbot.test.yaml"), rules.resolve("moltbot.test.yaml"));
    Run r = run("test", rules.toString());
    assertEquals(0, r.exit, r.out);
    assertTrue(r.out.strip().matches("(?s).*\\n?\\d+ passed, 0 failed"), r.out);
  }

  @Test
  void test_failingCase_exits1_withTheDiffAndPosition() throws Exception {
    Path rules = moltbotWithFileSecret();
    Files.writeString(rules.resolve("wrong.test.yaml"), String.join("\n",
        "cases:",
        "  - name: health is claimed to deny",
        "    request: {method: GET, path: /health}",
        "    expect: {allow: false}",
        ""));
    Run r = run("test", rules.toString());
    assertEquals(1, r.exit);
    assertTrue(r.out.contains("wrong.test.yaml:2:11: health is claimed to deny"), r.out);
    assertTrue(r.out.contains("allow: expected `false`, got `true`"), r.out);
    assertTrue(r.out.contains("routes no case exercised in moltbot.http: read-bots"), r.out);
    assertTrue(r.out.strip().endsWith("0 passed, 1 failed"), r.out);
  }

  @Test
  void eval_endlessInput_isRefusedWithAClearError_notReadIntoMemory() throws Exception {
    Run r = run("eval", "--rules", moltbotWithFileSecret().toString(), "--input", "/dev/zero");
    assertEquals(2, r.exit);
    assertTrue(r.err.contains("larger than 1048576 bytes"), r.err);
  }

  @Test
  void token_refusesClaimsThatWouldOverrideTheSignedIdentity() throws Exception {
    Path rules = moltbotWithFileSecret();
    for (String claim : List.of("sub=\"root\"", "exp=1", "iss=\"x\"", "aud=\"x\"", "=1")) {
      Run r = run("token", "--rules", rules.toString(), "--sub", "alice", "--claim", claim);
      assertEquals(2, r.exit, claim + ": " + r.out);
      assertTrue(r.err.contains("--claim"), r.err);
    }
    assertEquals(2, run("token", "--rules", rules.toString(), "--sub", "alice", "--permissions", "a,,b").exit);
  }
}
