package dev.verdict.rules;

import static dev.verdict.testing.RuleFiles.MOLTBOT_RULES;
import static dev.verdict.testing.RuleFiles.diagnostics;
import static dev.verdict.testing.RuleFiles.display;
import static dev.verdict.testing.RuleFiles.rendered;
import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.SourceLocation;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rule files that do not compile are reported as {@code file:line:col: error[code]: message},
 * pointing at the exact place of each mistake, every mistake at once, sorted by location.
 */
class RuleFileDiagnosticsTest {

  @TempDir
  Path dir;

  /** The header every file below shares; lines 1-5. */
  private static final String HEADER = """
      package: shop.http
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      routes:
      """;

  private String file() {
    return display(dir.resolve("shop.yaml"));
  }

  private List<Diagnostic> problemsOf(String content) throws IOException {
    write(dir, "shop.yaml", content);
    return diagnostics(dir);
  }

  @Test
  void validFile_compiles_withItsRoutesInOrder() throws Exception {
    write(dir, "shop.yaml", HEADER + """
          - id: read-orders
            path: /orders/**
            methods: [GET]
            permission: orders:read
        """);
    CompiledPolicy policy = RuleFiles.compile(dir);
    assertEquals(List.of(file()), policy.files());
    assertEquals(List.of("read-orders"),
        policy.packageNamed("shop.http").routeList().stream().map(r -> r.id()).toList());
  }

  @Test
  void typoedKey_isUnknownKey_withSuggestionAtTheKey() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-orders
            path: /orders/**
            methods: [GET]
            permision: orders:read
        """);
    // The route has lost its permission too, which is reported on the route itself.
    assertEquals(List.of(
        file() + ":6:5: error[missing_permission]: route needs `permission`, `permissions` or `when`"
            + " (or `public: true` to skip identity)",
        file() + ":9:5: error[unknown_key]: unknown key `permision`; did you mean `permission`?"),
        rendered(problems));
  }

  @Test
  void typoedTopLevelKey_isUnknownKey_withSuggestion() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("identity:", "identty:") + """
          - id: health
            path: /health
            public: true
        """);
    assertEquals(List.of(file() + ":2:1: error[unknown_key]: unknown key `identty`; did you mean `identity`?"),
        rendered(problems));
  }

  @Test
  void tabIndentation_isInvalidYaml_atTheTab() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-orders
        \tpath: /orders/**
        """);
    assertEquals(1, problems.size(), problems::toString);
    Diagnostic d = problems.get(0);
    assertEquals(new SourceLocation(file(), 7, 1), d.location());
    assertEquals("invalid_yaml", d.code());
    assertTrue(d.message().startsWith("invalid yaml: found character"), d.message());
    assertTrue(d.toString().startsWith(file() + ":7:1: error[invalid_yaml]: invalid yaml: "), d.toString());
  }

  @Test
  void mappingValueOnAContinuationLine_isInvalidYaml_atTheColon() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-orders
            path: /orders/**
             methods: [GET]
        """);
    assertEquals(List.of(file() + ":8:13: error[invalid_yaml]: invalid yaml: mapping values are not allowed here"),
        rendered(problems));
  }

  @Test
  void whenThatMvelCannotParse_isExpressionSyntax_atTheExpression() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-order
            path: /orders/{orderId}
            permission: orders:read
            when: "params.orderId =="
        """);
    assertEquals(List.of(file() + ":9:11: error[expression_syntax]: `when` of route `read-order`:"
        + " cannot compile `params.orderId ==`: not a statement"), rendered(problems));
  }

  @Test
  void repeatedRouteId_isDuplicateRouteId_atTheSecondId() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-orders
            path: /orders/**
            methods: [GET]
            permission: orders:read
          - id: read-orders
            path: /invoices/**
            methods: [GET]
            permission: invoices:read
        """);
    assertEquals(List.of(file() + ":10:9: error[duplicate_route_id]: duplicate route id `read-orders`;"
        + " first defined at " + file() + ":6:9"), rendered(problems));
  }

  @Test
  void algorithmNone_isForbiddenAlgorithm_atTheList() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("[HS256]", "[HS256, none]") + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    assertEquals(List.of(file() + ":3:15: error[forbidden_algorithm]: algorithm `none` can never be allowed"),
        rendered(problems));
  }

  @Test
  void algorithmNoneInAnyCase_isForbiddenAlgorithm() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("[HS256]", "[HS256, NoNe]") + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    assertEquals(List.of("forbidden_algorithm"), problems.stream().map(Diagnostic::code).toList());
  }

  @Test
  void signatureAlgorithmWithoutAKey_isMissingKey_atTheIdentitySection() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("[HS256]", "[HS256, RS256]") + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    assertEquals(List.of(file() + ":3:3: error[missing_key]: missing key `public_key` or `jwks`:"
        + " signature algorithms need a public key"), rendered(problems));
  }

  @Test
  void typoedAlgorithm_isUnknownAlgorithm_only_notAlsoAMissingKey() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("[HS256]", "[HS256, RS265]") + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    assertEquals(List.of("unknown_algorithm"), problems.stream().map(Diagnostic::code).toList());
    assertTrue(problems.get(0).message().startsWith("unknown algorithm `RS265`; did you mean `"), problems::toString);
  }

  @Test
  void secretWrittenInTheFile_isLiteralSecret_atTheSecret() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("${env:SHOP_SECRET}", "correct-horse-battery-staple-0123456789") + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    assertEquals(List.of(file() + ":4:11: error[literal_secret]: `secret` must be `${env:NAME}` or `file:PATH`,"
        + " never the secret itself"), rendered(problems));
  }

  @ParameterizedTest(name = "{0} with a {1}-byte secret needs {2}")
  @CsvSource({"HS256, 31, 32", "HS256, 16, 32", "HS384, 47, 48", "HS512, 63, 64"})
  void secretShorterThanTheHash_isWeakSecret_atTheSecret(String algorithm, int bytes, int needed) throws Exception {
    write(dir, "shop.yaml", HEADER.replace("HS256", algorithm) + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    List<Diagnostic> problems = diagnostics(dir, name -> "s".repeat(bytes));
    assertEquals(List.of(file() + ":4:11: error[weak_secret]: secret is " + bytes
        + " bytes; the HMAC algorithms allowed need at least " + needed), rendered(problems));
  }

  @Test
  void secretExactlyAsLongAsTheHash_compiles() throws Exception {
    write(dir, "shop.yaml", HEADER + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    CompiledPolicy policy = PolicyCompiler.create(name -> "s".repeat(32)).compileDirectory(dir);
    assertEquals("s".repeat(32), policy.packageNamed("shop.http").identity().issuers().get(0).hmacSecret());
  }

  @Test
  void unsetEnvironmentVariable_isMissingSecret_namingTheVariable() throws Exception {
    write(dir, "shop.yaml", HEADER + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    List<Diagnostic> problems = diagnostics(dir, name -> null);
    assertEquals(List.of(file() + ":4:11: error[missing_secret]: environment variable `SHOP_SECRET`"
        + " named by `secret` is not set"), rendered(problems));
  }

  @Test
  void doubleStarBeforeTheEnd_isInvalidPattern_atThePath() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: order-items
            path: /orders/**/items
            permission: orders:read
        """);
    assertEquals(List.of(file() + ":7:11: error[invalid_pattern]: `**` must be the last segment in `/orders/**/items`"),
        rendered(problems));
  }

  @Test
  void samePatternShapeWithOverlappingMethods_isDuplicateRoute_atTheSecondPath() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-order
            path: /orders/{id}
            methods: [GET, HEAD]
            permission: orders:read
          - id: audit-order
            path: /orders/{orderId}
            methods: [HEAD, DELETE]
            permission: orders:audit
        """);
    assertEquals(List.of(file() + ":11:11: error[duplicate_route]: route `audit-order` has the same path and an"
        + " overlapping method as route `read-order` (" + file() + ":7:11)"), rendered(problems));
  }

  @Test
  void samePatternWithoutMethods_overlapsEveryMethod_isDuplicateRoute() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-order
            path: /orders/{id}
            methods: [GET]
            permission: orders:read
          - id: any-order
            path: /orders/*
            permission: orders:any
          - id: other-order
            path: /orders/{x}
            permission: orders:any
        """);
    // `/orders/*` is a different shape from `/orders/{id}`; only the third route collides.
    assertEquals(List.of(file() + ":14:11: error[duplicate_route]: route `other-order` has the same path and an"
        + " overlapping method as route `read-order` (" + file() + ":7:11)"), rendered(problems));
  }

  @Test
  void samePatternWithDisjointMethods_compiles() throws Exception {
    write(dir, "shop.yaml", HEADER + """
          - id: read-order
            path: /orders/{id}
            methods: [GET]
            permission: orders:read
          - id: delete-order
            path: /orders/{orderId}
            methods: [DELETE]
            permission: orders:delete
        """);
    assertEquals(2, RuleFiles.compile(dir).packageNamed("shop.http").routes().size());
  }

  @Test
  void denyRouteWithPermission_isDenyWithConditions_atTheRoute() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
          - id: no-legacy
            path: /v0/**
            effect: deny
            permission: admin
        """);
    assertEquals(List.of(file() + ":9:5: error[deny_with_conditions]: a route with `effect: deny` denies outright;"
        + " remove `permission(s)`, `when`, `step_up` and `public`"), rendered(problems));
  }

  @Test
  void fiveDifferentMistakes_areAllReported_sortedByLine() throws Exception {
    // Sections are read identity, risk, routes; the routes come first in this file, so the
    // order of the report is the file's order, not the reader's.
    write(dir, "shop.yaml", """
        package: shop.http
        routes:
          - id: read-orders
            path: /orders/**
            mehtods: [GET]
            permission: orders:read
          - id: read-orders
            path: /invoices/**
            permission: invoices:read
          - id: no-legacy
            path: /v0/**
            effect: deny
            permission: admin
        identity:
          algorithms: [HS256, none]
          secret: ${env:SHOP_SECRET}
        risk:
          threshold: 150
        """);
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> RuleFiles.compile(dir));
    List<String> expected = List.of(
        file() + ":5:5: error[unknown_key]: unknown key `mehtods`; did you mean `methods`?",
        file() + ":7:9: error[duplicate_route_id]: duplicate route id `read-orders`; first defined at " + file() + ":3:9",
        file() + ":10:5: error[deny_with_conditions]: a route with `effect: deny` denies outright;"
            + " remove `permission(s)`, `when`, `step_up` and `public`",
        file() + ":15:15: error[forbidden_algorithm]: algorithm `none` can never be allowed",
        file() + ":18:14: error[invalid_threshold]: `threshold` must be a whole number from 0 to 100");
    assertEquals(expected, rendered(e.diagnostics()));
    assertEquals("5 problem(s) in rule files:\n" + String.join("\n", expected), e.getMessage());
  }

  @Test
  void invalidUtf8Bytes_isInvalidEncoding_atTheBadByte() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("package: shop.http\n# caf".getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // a lead byte without its continuation
    bytes.writeBytes("\n".getBytes(StandardCharsets.US_ASCII));
    Path broken = dir.resolve("shop.yaml");
    Files.write(broken, bytes.toByteArray());
    assertEquals(List.of(display(broken) + ":2:6: error[invalid_encoding]: file is not valid UTF-8 from here on"),
        rendered(diagnostics(dir)));
  }

  @Test
  void problemsInSeveralFiles_areReportedTogether_sortedByFile() throws Exception {
    Path broken = dir.resolve("a-broken.yaml");
    Files.write(broken, new byte[] {'p', ':', ' ', (byte) 0xFF, '\n'});
    write(dir, "b-typo.yaml", """
        package: other.http
        routes:
          - id: health
            path: /health
            pubic: true
        """);
    List<Diagnostic> problems = diagnostics(dir);
    // Without `public: true` the route needs a permission and the package an identity section.
    assertEquals(List.of(
        display(broken) + ":1:4: error[invalid_encoding]: file is not valid UTF-8 from here on",
        display(dir.resolve("b-typo.yaml")) + ":1:1: error[missing_key]: missing key `identity`: routes that are"
            + " not public need a token to verify",
        display(dir.resolve("b-typo.yaml")) + ":3:5: error[missing_permission]: route needs `permission`,"
            + " `permissions` or `when` (or `public: true` to skip identity)",
        display(dir.resolve("b-typo.yaml")) + ":5:5: error[unknown_key]: unknown key `pubic`; did you mean `public`?"),
        rendered(problems));
  }

  @Test
  void policyTestFiles_areNotRuleFiles() throws Exception {
    write(dir, "shop.yaml", HEADER + """
          - id: read-orders
            path: /orders/**
            permission: orders:read
        """);
    write(dir, "shop.test.yaml", "this: [is not a rule file\n");
    assertEquals(List.of(file()), RuleFiles.compile(dir).files());
  }

  @Test
  void unquotedParamInAFlowMapping_isInvalidYaml_withAHintToQuoteThePath() throws Exception {
    Path file = RuleFiles.write(dir, "flow.yaml", String.join("\n",
        "package: shop.http",
        "routes:",
        "  - {id: r, path: /bots/{id}, public: true}",
        ""));
    assertEquals(List.of(RuleFiles.display(file) + ":3:25: error[invalid_yaml]: invalid yaml: expected ',' or '}', but got {"
        + "; quote a path that holds `{param}`, e.g. `path: \"/bots/{id}\"`"), RuleFiles.rendered(diagnostics(dir)));
  }

  @Test
  void yaml11Boolean_yes_isRefused_ratherThanReadAsFalse() throws Exception {
    Path file = RuleFiles.write(dir, "yes.yaml", String.join("\n",
        "package: shop.http",
        "routes:",
        "  - id: health",
        "    path: /health",
        "    public: yes",
        ""));
    assertEquals(List.of(RuleFiles.display(file) + ":5:13: error[wrong_type]: `public` must be `true` or `false`, not `yes`"),
        RuleFiles.rendered(diagnostics(dir)).stream().filter(d -> d.contains("wrong_type")).toList());
  }

  @Test
  void emptyTokenSources_areRefused() throws Exception {
    Path file = RuleFiles.write(dir, "tokens.yaml", String.join("\n",
        "package: shop.http",
        "identity:",
        "  tokens: []",
        "  algorithms: [HS256]",
        "  secret: ${env:S}",
        "routes:",
        "  - {id: r, path: /r, permission: p}",
        ""));
    assertEquals(List.of(RuleFiles.display(file) + ":3:11: error[empty_list]: `tokens` is empty, so no token could ever"
        + " be found; leave it out for `[cookie:access_token, bearer]`"), RuleFiles.rendered(diagnostics(dir)));
  }

  @Test
  void stepUpMistakesInTheFile_areEachReported_atTheirPlace() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("routes:\n", """
        step_up:
          mfa: "inList('mfa', token.amr)"
          mfa: "true"
        routes:
        """) + """
          - id: admin
            path: /admin/**
            permission: admin
            step_up:
              recent-login: "now - token.auth_time <= 900"
              loa: 3
            stepup: {}
        """);
    assertEquals(List.of(
        file() + ":7:3: error[duplicate_key]: duplicate step-up requirement `mfa` in the package's `step_up`",
        file() + ":13:7: error[invalid_requirement_name]: step-up requirement name `recent-login` must be an identifier"
            + " (letters, digits, `_`): clients read it from the decision's `step_up`",
        file() + ":14:12: error[wrong_type]: step-up requirement `loa` must be an expression in a string",
        file() + ":15:5: error[unknown_key]: unknown key `stepup`; did you mean `step_up`?"), rendered(problems));
  }

  @Test
  void stepUpExpressions_areCheckedByTheSandbox_andMustGiveTrueOrFalse() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER.replace("routes:\n", """
        step_up:
          fresh: "now - token.iat"
        routes:
        """) + """
          - id: admin
            path: /admin/**
            permission: admin
            step_up:
              shell: "Runtime.getRuntime() != null"
        """);
    assertEquals(List.of(
        file() + ":6:10: error[expression_type]: step-up requirement `fresh`: gives a number, but must give true or"
            + " false",
        file() + ":12:14: error[expression_not_allowed]: step-up requirement `shell` of route `admin`: unknown variable"
            + " `Runtime`; expressions can see `data`, `headers`, `ip`, `method`, `now`, `params`, `path`, `token`,"
            + " `user`, `userAgent`",
        file() + ":12:14: error[expression_not_allowed]: step-up requirement `shell` of route `admin`: method call"
            + " `.getRuntime(...)` is not allowed; use a function such as `lower(x)`"), rendered(problems));
  }

  @Test
  void stepUpAsAListOfNames_isWrongType_atTheList() throws Exception {
    List<Diagnostic> problems = problemsOf(HEADER + """
          - id: admin
            path: /admin/**
            permission: admin
            step_up: [mfa]
        """);
    assertEquals(List.of(file() + ":9:14: error[wrong_type]: `step_up` must be a mapping of requirement name to"
        + " expression, e.g. `mfa: \"inList('mfa', token.amr)\"`"), rendered(problems));
  }

  @Nested
  class TheMoltbotRules {

    @Test
    void withAStrongSecret_compile_asOnePackageOfElevenRoutes() throws Exception {
      CompiledPolicy policy = RuleFiles.compile(MOLTBOT_RULES);
      assertEquals(List.of("rules/moltbot.yaml"), policy.files());
      var pkg = policy.packageAt("moltbot/http");
      assertEquals("moltbot.http", pkg.name());
      assertEquals(11, pkg.routeList().size());
      assertEquals(List.of("untrusted_network", "missing_user_agent", "scripted_client", "sensitive_path"),
          pkg.signals().stream().map(s -> s.name()).toList());
      assertEquals(List.of("HS256"), pkg.identity().algorithms());
      assertEquals(80, pkg.riskThreshold());
    }

    /** The line of `secret:` in the example, found rather than hard-coded so comments above it can change. */
    private int secretLine() throws IOException {
      List<String> lines = Files.readAllLines(MOLTBOT_RULES.resolve("moltbot.yaml"), StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith("  secret: ${env:VERDICT_JWT_SECRET}")) return i + 1;
      }
      throw new AssertionError("no `secret: ${env:VERDICT_JWT_SECRET}` line in rules/moltbot.yaml");
    }

    @Test
    void withoutTheSecretVariable_isMissingSecret_atTheSecret() throws IOException {
      assertEquals(List.of("rules/moltbot.yaml:" + secretLine() + ":11: error[missing_secret]: environment variable"
          + " `VERDICT_JWT_SECRET` named by `secret` is not set"), rendered(diagnostics(MOLTBOT_RULES, name -> null)));
    }

    @Test
    void withA31ByteSecret_isWeakSecret_atTheSecret() throws IOException {
      assertEquals(List.of("rules/moltbot.yaml:" + secretLine() + ":11: error[weak_secret]: secret is 31 bytes;"
              + " the HMAC algorithms allowed need at least 32"),
          rendered(diagnostics(MOLTBOT_RULES, name -> "VERDICT_JWT_SECRET".equals(name) ? "k".repeat(31) : null)));
    }
  }
}
