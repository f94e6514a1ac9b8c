package dev.verdict.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.testing.RuleFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The JSON Schemas in {@code rules/schema/} give editors completion and inline errors for rule and
 * policy-test files. They must accept every example file, and refuse what the real compiler refuses,
 * for the same reason: each broken file below is checked against both.
 */
class RuleFileSchemaTest {

  private static final Path RULES = RuleFiles.MOLTBOT_RULES;
  private static final Path SCHEMA_DIR = RULES.resolve("schema");
  private static final Path RULES_SCHEMA = SCHEMA_DIR.resolve("verdict-rules.schema.json");
  private static final Path TESTS_SCHEMA = SCHEMA_DIR.resolve("verdict-tests.schema.json");
  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final String MODELINE = "# yaml-language-server: $schema=";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  /**
   * Draft 2020-12, knowing {@code patternErrorMessage}: VS Code's JSON/YAML language services show it
   * instead of the raw regex. It is an annotation only, so validation is plain 2020-12.
   */
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
      builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
          .keyword(new NonValidationKeyword("patternErrorMessage")).build()));

  private static JsonSchema rulesSchema;
  private static JsonSchema testsSchema;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadSchemas() throws IOException {
    rulesSchema = FACTORY.getSchema(readJson(RULES_SCHEMA));
    testsSchema = FACTORY.getSchema(readJson(TESTS_SCHEMA));
  }

  // ---- (a), (b): every example file validates ------------------------------------------------------

  static Stream<Path> ruleFiles() throws IOException {
    return yamlFiles().stream().filter(p -> !PolicyTestReader.isTestFile(p));
  }

  static Stream<Path> testFiles() throws IOException {
    return yamlFiles().stream().filter(PolicyTestReader::isTestFile);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleFiles")
  void everyRuleFile_matchesTheRulesSchema(Path file) throws IOException {
    assertEquals(List.of(), errors(rulesSchema, Files.readString(file, StandardCharsets.UTF_8)), file.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("testFiles")
  void everyTestFile_matchesTheTestsSchema(Path file) throws IOException {
    assertEquals(List.of(), errors(testsSchema, Files.readString(file, StandardCharsets.UTF_8)), file.toString());
  }

  @Test
  void theExamples_areFound_andStillCompileWithTheirModelines() throws Exception {
    assertTrue(ruleFiles().anyMatch(p -> p.getFileName().toString().equals("moltbot.yaml")));
    assertTrue(testFiles().anyMatch(p -> p.getFileName().toString().equals("moltbot.test.yaml")));
    assertNotNull(RuleFiles.compile(RULES).packageNamed("moltbot.http"));
  }

  /** A modeline must name the schema for its kind of file by a path that resolves from the file. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlFiles")
  void modelines_pointAtTheRightSchema(Path file) throws IOException {
    String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
    if (!first.startsWith(MODELINE)) return;
    Path named = file.getParent().resolve(first.substring(MODELINE.length()).trim()).normalize();
    Path expected = PolicyTestReader.isTestFile(file) ? TESTS_SCHEMA : RULES_SCHEMA;
    assertEquals(expected.normalize(), named, file + " names the wrong schema");
    assertTrue(Files.isRegularFile(named), file + " names a missing schema");
  }

  @Test
  void theShippedExamples_carryTheModeline() throws IOException {
    assertEquals(MODELINE + "./schema/verdict-rules.schema.json",
        Files.readAllLines(RULES.resolve("moltbot.yaml")).get(0));
    assertEquals(MODELINE + "./schema/verdict-tests.schema.json",
        Files.readAllLines(RULES.resolve("moltbot.test.yaml")).get(0));
  }

  // ---- (c): broken rule files are refused by the schema and by the compiler -------------------------

  private static final String IDENTITY = """
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      """;

  private static String file(String identity, String routes) {
    return "package: shop.http\n" + identity + "routes:\n" + routes;
  }

  private static String route(String route) {
    return file(IDENTITY, route);
  }

  private static final String READ_ORDERS = """
        - id: read-orders
          path: /orders/**
          methods: [GET]
          permission: orders:read
      """;

  /**
   * Name, file content, the schema error expected as {@code keyword[:property]@instance-location}
   * (so the schema refuses it for the right reason, not by accident), and the compiler's diagnostic code.
   */
  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of("typo'd route key", route("""
              - id: read-orders
                path: /orders/**
                permision: orders:read
            """), "additionalProperties:permision@$.routes[0]", "unknown_key"),
        Arguments.of("typo'd top-level key", "pakage: shop.http\n" + IDENTITY + "routes:\n" + READ_ORDERS,
            "additionalProperties:pakage@$", "unknown_key"),
        Arguments.of("alg: none", file("""
            identity:
              algorithms: [none]
              secret: ${env:SHOP_SECRET}
            """, READ_ORDERS), "enum@$.identity.algorithms[0]", "forbidden_algorithm"),
        Arguments.of("unknown algorithm", file("""
            identity:
              algorithms: [HS257]
            """, READ_ORDERS), "enum@$.identity.algorithms[0]", "unknown_algorithm"),
        Arguments.of("bad effect", route("""
              - id: no-legacy
                path: /v0/**
                effect: block
            """), "enum@$.routes[0].effect", "invalid_effect"),
        Arguments.of("method FETCH", route("""
              - id: read-orders
                path: /orders/**
                methods: [FETCH]
                permission: orders:read
            """), "enum@$.routes[0].methods[0]", "unknown_method"),
        Arguments.of("empty methods", route("""
              - id: read-orders
                path: /orders/**
                methods: []
                permission: orders:read
            """), "minItems@$.routes[0].methods", "empty_list"),
        Arguments.of("threshold 101", file(IDENTITY + """
            risk:
              threshold: 101
            """, READ_ORDERS), "maximum@$.risk.threshold", "invalid_threshold"),
        Arguments.of("route threshold -1", route("""
              - id: read-orders
                path: /orders/**
                permission: orders:read
                risk: {threshold: -1}
            """), "minimum@$.routes[0].risk.threshold", "invalid_threshold"),
        Arguments.of("deny route with permission", route("""
              - id: no-legacy
                path: /v0/**
                effect: deny
                permission: legacy
            """), "false@$.routes[0].permission", "deny_with_conditions"),
        Arguments.of("public deny route", route("""
              - id: no-legacy
                path: /v0/**
                effect: deny
                public: true
            """), "const@$.routes[0].public", "deny_with_conditions"),
        Arguments.of("both permission and permissions", route("""
              - id: read-orders
                path: /orders/**
                permission: orders:read
                permissions: [orders:list]
            """), "not@$.routes[0]", "conflicting_keys"),
        Arguments.of("public route with a permission", route("""
              - id: health
                path: /health
                public: true
                permission: health:read
            """), "false@$.routes[0].permission", "public_with_conditions"),
        Arguments.of("public route with a risk threshold", route("""
              - id: health
                path: /health
                public: true
                risk: {threshold: 10}
            """), "false@$.routes[0].risk.threshold", "public_with_conditions"),
        Arguments.of("allow route that requires nothing", route("""
              - id: read-orders
                path: /orders/**
            """), "required:permission@$.routes[0]", "missing_permission"),
        Arguments.of("allow route with an empty permissions list", route("""
              - id: read-orders
                path: /orders/**
                permissions: []
            """), "minItems@$.routes[0].permissions", "missing_permission"),
        Arguments.of("literal secret", file("""
            identity:
              algorithms: [HS256]
              secret: correct-horse-battery-staple-and-more-words-to-be-long
            """, READ_ORDERS), "pattern@$.identity.secret", "literal_secret"),
        Arguments.of("HS256 without a secret", file("""
            identity:
              algorithms: [HS256]
            """, READ_ORDERS), "required:secret@$.identity", "missing_key"),
        Arguments.of("secret without an HMAC algorithm", file("""
            identity:
              algorithms: [RS256]
              secret: ${env:SHOP_SECRET}
              jwks: file:jwks.json
            """, READ_ORDERS), "minContains@$.identity.algorithms", "unused_key"),
        Arguments.of("RS256 without a public key", file("""
            identity:
              algorithms: [RS256]
            """, READ_ORDERS), "required:public_key@$.identity", "missing_key"),
        Arguments.of("jwks over plain http to another host", file("""
            identity:
              algorithms: [RS256]
              jwks: http://auth.example/jwks.json
            """, READ_ORDERS), "pattern@$.identity.jwks", "insecure_jwks_url"),
        Arguments.of("jwks refresh interval for a jwks file", file("""
            identity:
              algorithms: [RS256]
              jwks: file:jwks.json
              jwks_refresh_interval: 10s
            """, READ_ORDERS), "pattern@$.identity.jwks", "unused_key"),
        Arguments.of("issuers beside single-issuer keys", file("""
            identity:
              algorithms: [HS256]
              issuers:
                - issuer: https://a.example
                  algorithms: [HS256]
                  secret: ${env:SHOP_SECRET}
            """, READ_ORDERS), "false@$.identity.algorithms", "conflicting_keys"),
        Arguments.of("issuers entry without issuer", file("""
            identity:
              issuers:
                - algorithms: [HS256]
                  secret: ${env:SHOP_SECRET}
            """, READ_ORDERS), "required:issuer@$.identity.issuers[0]", "missing_key"),
        Arguments.of("empty issuers", file("""
            identity:
              issuers: []
            """, READ_ORDERS), "minItems@$.identity.issuers", "empty_list"),
        Arguments.of("no algorithms", file("""
            identity:
              secret: ${env:SHOP_SECRET}
            """, READ_ORDERS), "required:algorithms@$.identity", "missing_key"),
        Arguments.of("unknown token source", file("""
            identity:
              tokens: [header:x-token]
              algorithms: [HS256]
              secret: ${env:SHOP_SECRET}
            """, READ_ORDERS), "pattern@$.identity.tokens[0]", "invalid_token_source"),
        Arguments.of("bad leeway", file(IDENTITY.replace("secret:", "leeway: half a minute\n  secret:"), READ_ORDERS),
            "oneOf@$.identity.leeway", "invalid_duration"),
        Arguments.of("no identity for a protected route", "package: shop.http\nroutes:\n" + READ_ORDERS,
            "required:identity@$", "missing_key"),
        Arguments.of("no routes", "package: shop.http\n" + IDENTITY, "required:routes@$", "missing_key"),
        Arguments.of("no package", IDENTITY + "routes:\n" + READ_ORDERS, "required:package@$", "missing_key"),
        Arguments.of("bad package name", route(READ_ORDERS).replace("shop.http", "Shop-HTTP"),
            "pattern@$.package", "invalid_package"),
        Arguments.of("route id with a space", route(READ_ORDERS.replace("read-orders", "read orders")),
            "pattern@$.routes[0].id", "invalid_route_id"),
        Arguments.of("path without a leading slash", route(READ_ORDERS.replace("/orders/**", "orders/**")),
            "pattern@$.routes[0].path", "invalid_pattern"),
        Arguments.of("** before the end", route(READ_ORDERS.replace("/orders/**", "/orders/**/items")),
            "pattern@$.routes[0].path", "invalid_pattern"),
        Arguments.of("trailing slash", route(READ_ORDERS.replace("/orders/**", "/orders/")),
            "pattern@$.routes[0].path", "invalid_pattern"),
        Arguments.of("partial wildcard segment", route(READ_ORDERS.replace("/orders/**", "/orders/ord-*")),
            "pattern@$.routes[0].path", "invalid_pattern"),
        Arguments.of("permission with a space", route(READ_ORDERS.replace("orders:read", "'orders read'")),
            "pattern@$.routes[0].permission", "invalid_permission"),
        Arguments.of("blank when", route("""
              - id: read-orders
                path: /orders/**
                when: "  "
            """), "pattern@$.routes[0].when", "empty_value"),
        Arguments.of("signal name that is not an identifier", file(IDENTITY + """
            risk:
              signals:
                bad-name: "1"
            """, READ_ORDERS), "propertyNames@$.risk.signals", "invalid_signal_name"),
        Arguments.of("signal that is not a string", file(IDENTITY + """
            risk:
              signals:
                always: 10
            """, READ_ORDERS), "type@$.risk.signals.always", "wrong_type"),
        Arguments.of("public as a quoted string", route("""
              - id: health
                path: /health
                public: "true"
            """), "type@$.routes[0].public", "wrong_type"),
        Arguments.of("data that is a list", file(IDENTITY + "data: [1, 2]\n", READ_ORDERS), "type@$.data", "wrong_type"),
        Arguments.of("step_up as a list of names", route(READ_ORDERS + "    step_up: [mfa]\n"),
            "type@$.routes[0].step_up", "wrong_type"),
        Arguments.of("step-up requirement name that is not an identifier",
            route(READ_ORDERS + "    step_up: {recent-login: \"now - token.auth_time <= 900\"}\n"),
            "propertyNames@$.routes[0].step_up", "invalid_requirement_name"),
        Arguments.of("step-up requirement that is not a string", route(READ_ORDERS + "    step_up: {mfa: true}\n"),
            "type@$.routes[0].step_up.mfa", "wrong_type"),
        Arguments.of("blank package step-up requirement", file(IDENTITY + "step_up: {mfa: \" \"}\n", READ_ORDERS),
            "pattern@$.step_up.mfa", "empty_value"),
        Arguments.of("public route with step_up", route("""
              - id: health
                path: /health
                public: true
                step_up: {mfa: "inList('mfa', token.amr)"}
            """), "false@$.routes[0].step_up", "public_with_conditions"),
        Arguments.of("deny route with step_up", route("""
              - id: no-legacy
                path: /v0/**
                effect: deny
                step_up: {mfa: "inList('mfa', token.amr)"}
            """), "false@$.routes[0].step_up", "deny_with_conditions"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void brokenFile_isRefusedByTheSchema_andByTheCompiler(String name, String content, String schemaError, String code)
      throws IOException {
    assertSchemaError(errors(rulesSchema, content), schemaError);

    RuleFiles.write(dir, "shop.yaml", content);
    PolicyLoadException refused = assertThrows(PolicyLoadException.class,
        () -> PolicyCompiler.create(env -> "x".repeat(64)).compileDirectory(dir));
    assertTrue(refused.diagnostics().stream().map(Diagnostic::code).anyMatch(code::equals),
        "compiler diagnostic `" + code + "` expected, got " + refused.diagnostics());
  }

  /** Forms the parser accepts that a strict-looking schema could wrongly refuse. */
  static Stream<Arguments> validVariants() {
    return Stream.of(
        Arguments.of("lower-case methods", route(READ_ORDERS.replace("[GET]", "[get, post]"))),
        Arguments.of("leeway as a bare number of seconds", file(IDENTITY + "  leeway: 30\n", READ_ORDERS)),
        Arguments.of("leeway in milliseconds", file(IDENTITY + "  leeway: 1500ms\n", READ_ORDERS)),
        Arguments.of("audience list and bearer only", file(IDENTITY
            + "  tokens: [bearer]\n  audience: [web, mobile]\n  issuer: https://auth.example\n", READ_ORDERS)),
        Arguments.of("deny route with an empty permissions list and public: false", route("""
              - id: no-legacy
                path: /v0/**
                effect: deny
                permissions: []
                public: false
            """)),
        Arguments.of("explicit allow with when only", route("""
              - id: own-order
                path: /orders/{orderId}
                effect: allow
                when: "token.orders contains params.orderId"
            """)),
        Arguments.of("public route with an empty route risk", route("""
              - id: health
                path: /
                public: true
                risk: {}
            """)),
        Arguments.of("only public and deny routes need no identity", """
            package: shop.http
            routes:
              - id: health
                path: /health
                public: true
              - id: no-admin
                path: /admin/*/debug/**
                effect: deny
            """),
        Arguments.of("free-form data and signals", file(IDENTITY + """
            data:
              limits: {daily: 10, burst: 2.5}
              nested: [{a: [true, null]}]
            risk:
              threshold: 0
              signals:
                _no_agent: "userAgent == '' ? 10 : 0"
            """, READ_ORDERS)),
        Arguments.of("remote jwks over https with a refresh interval", file("""
            identity:
              algorithms: [RS256, ES256]
              jwks: https://auth.example/.well-known/jwks.json
              jwks_refresh_interval: 1m
            """, READ_ORDERS)),
        Arguments.of("jwks over plain http to loopback", file("""
            identity:
              algorithms: [RS256]
              jwks: http://127.0.0.1:8080/jwks.json
            """, READ_ORDERS)),
        Arguments.of("several issuers with shared settings", file("""
            identity:
              tokens: [bearer]
              leeway: 30s
              require_exp: true
              required_claims: [jti]
              roles: {editor: [orders:read, orders:write]}
              issuers:
                - issuer: https://staff.example
                  algorithms: [HS256]
                  secret: ${env:SHOP_SECRET}
                  audience: shop
                  roles_claim: realm_access.roles
                - issuer: https://partners.example
                  algorithms: [RS256]
                  jwks: https://partners.example/jwks.json
                  jwks_refresh_interval: 10s
                  permissions_claim: scope
            """, READ_ORDERS)),
        Arguments.of("secret from a file", file("""
            identity:
              algorithms: [HS512]
              secret: file:secret.txt
            """, READ_ORDERS)),
        Arguments.of("step-up requirements on a route, a package default, and a route opting out", file(IDENTITY + """
            step_up:
              mfa: "inList('mfa', token.amr)"
            """, READ_ORDERS + """
              - id: admin
                path: /admin/**
                permission: admin
                step_up:
                  mfa: "inList('mfa', token.amr)"
                  recent_login: "now - token.auth_time <= 900"
                  strong_acr: "token['acr'] == 'urn:example:loa:3'"
              - id: status
                path: /status
                permission: status:read
                step_up: {}
            """)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validVariants")
  void validVariant_isAcceptedByTheSchema_andByTheCompiler(String name, String content) throws Exception {
    assertEquals(List.of(), errors(rulesSchema, content));
    RuleFiles.write(dir, "shop.yaml", content);
    RuleFiles.write(dir, "secret.txt", "s".repeat(64));
    assertNotNull(RuleFiles.compile(dir).packageNamed("shop.http"));
  }

  // ---- test files: the tests schema agrees with PolicyTestReader ------------------------------------

  static Stream<Arguments> brokenTestFiles() {
    String ok = "cases:\n  - name: health\n    request: {method: GET, path: /health}\n    expect: {allow: true}\n";
    return Stream.of(
        Arguments.of("typo'd expect key", ok.replace("allow:", "alow:"), "additionalProperties:alow@$.cases[0].expect"),
        Arguments.of("empty expect", ok.replace("{allow: true}", "{}"), "minProperties@$.cases[0].expect"),
        Arguments.of("no path anywhere", ok.replace(", path: /health", ""), "required:path@$.cases[0].request"),
        Arguments.of("token and raw_token", ok.replace("path: /health}", "path: /h, token: {sub: a}, raw_token: x}"),
            "not@$.cases[0].request"),
        Arguments.of("raw_token over a defaults token", "defaults: {token: {sub: a}}\n"
            + ok.replace("path: /health}", "path: /h, raw_token: x}"), "false@$.cases[0].request.raw_token"),
        Arguments.of("status as text", ok.replace("{allow: true}", "{status: forbidden}"), "type@$.cases[0].expect.status"),
        Arguments.of("no cases", "package: shop.http\n", "required:cases@$"),
        Arguments.of("case without a name", ok.replace("name: health", "nam: health"), "required:name@$.cases[0]"),
        Arguments.of("now as a date without a time", ok.replace("path: /health}", "path: /health, now: 'next tuesday'}"),
            "pattern@$.cases[0].request.now"),
        Arguments.of("unsigned time claim offset",
            ok.replace("path: /health}", "path: /health, token: {sub: a}, time_claims: {auth_time: 20m}}"),
            "pattern@$.cases[0].request.time_claims.auth_time"),
        Arguments.of("step_up expectation as a string", ok.replace("{allow: true}", "{step_up: mfa}"),
            "type@$.cases[0].expect.step_up"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTestFiles")
  void brokenTestFile_isRefusedByTheSchema_andByTheReader(String name, String content, String schemaError) {
    assertSchemaError(errors(testsSchema, content), schemaError);
    List<Diagnostic> problems = new ArrayList<>();
    PolicyTestReader.parse("t.test.yaml", content, problems);
    assertFalse(problems.isEmpty(), "the reader accepted it");
  }

  @Test
  void aTestFile_withMethodAndPathInDefaults_andNullRule_isValid() {
    String content = """
        package: shop.http
        defaults: {method: GET, path: /health, ip: 10.0.0.1, headers: {user-agent: curl, x-n: 1}}
        cases:
          - name: defaults carry the request
            request: {}
            expect: {status: 403, rule: null, score: 0, error: Insufficient permissions}
        """;
    assertEquals(List.of(), errors(testsSchema, content));
    List<Diagnostic> problems = new ArrayList<>();
    PolicyTestReader.parse("t.test.yaml", content, problems);
    assertEquals(List.of(), problems);
  }

  // ---- (d): the schema files themselves -----------------------------------------------------------

  static Stream<Path> schemaFiles() {
    return Stream.of(RULES_SCHEMA, TESTS_SCHEMA);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void schemaFile_isJson_declaring2020_12_andAnId(Path file) throws IOException {
    JsonNode schema = readJson(file);
    assertEquals(DRAFT_2020_12, schema.path("$schema").asText());
    URI id = URI.create(schema.path("$id").asText());
    assertTrue(id.isAbsolute() && id.getPath().endsWith("/" + file.getFileName()), "$id " + id);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void schemaFile_isAValid2020_12Schema(Path file) throws IOException {
    JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));
    assertEquals(Set.of(), metaSchema.validate(readJson(file)));
  }

  /**
   * Editors show {@code description} on hover: every key a closed object declares (one with
   * {@code additionalProperties: false}) has one, or its {@code $ref} target does.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaFiles")
  void everyProperty_hasADescription(Path file) throws IOException {
    JsonNode root = readJson(file);
    List<String> missing = new ArrayList<>();
    collectUndescribed(root, root, "#", missing);
    assertEquals(List.of(), missing);
  }

  private static void collectUndescribed(JsonNode root, JsonNode node, String at, List<String> missing) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) collectUndescribed(root, node.get(i), at + "/" + i, missing);
      return;
    }
    if (!node.isObject()) return;
    if (node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").asBoolean()) {
      for (Iterator<Map.Entry<String, JsonNode>> props = node.path("properties").fields(); props.hasNext(); ) {
        Map.Entry<String, JsonNode> prop = props.next();
        if (!described(root, prop.getValue())) missing.add(at + "/properties/" + prop.getKey());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      collectUndescribed(root, field.getValue(), at + "/" + field.getKey(), missing);
    }
  }

  private static boolean described(JsonNode root, JsonNode schema) {
    if (schema.hasNonNull("description")) return true;
    String ref = schema.path("$ref").asText("");
    return ref.startsWith("#/") && root.at(ref.substring(1)).hasNonNull("description");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(RULES)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(SCHEMA_DIR))
          .filter(p -> !RuleSetReader.hasHiddenPart(RULES.relativize(p)))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }

  /** {@code expected} is {@code keyword[:property]@instance-location}, e.g. {@code required:secret@$.identity}. */
  private static void assertSchemaError(List<ValidationMessage> errors, String expected) {
    String[] at = expected.split("@", 2);
    String[] what = at[0].split(":", 2);
    boolean found = errors.stream().anyMatch(e -> e.getType().equals(what[0])
        && e.getInstanceLocation().toString().equals(at[1])
        && (what.length == 1 || what[1].equals(e.getProperty())));
    assertTrue(found, "schema error " + expected + " expected, got "
        + errors.stream().map(e -> e.getType() + ":" + e.getProperty() + "@" + e.getInstanceLocation() + " " + e.getMessage()).toList());
  }

  private static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** YAML as the parser's SnakeYAML reads it, as a JSON tree, validated. */
  private static List<ValidationMessage> errors(JsonSchema schema, String yaml) {
    Object document = new Yaml(new LoaderOptions()).load(yaml);
    return schema.validate(JSON.valueToTree(document)).stream().toList();
  }
}
