package dev.verdict.rules;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.SourceLocation;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code *.test.yaml} policy tests:
 *
 * <pre>
 * package: moltbot.http
 * defaults:                       # merged into every case's request
 *   ip: 10.1.2.3
 *   headers: {user-agent: Mozilla/5.0}
 * cases:
 *   - name: a reader can read a bot
 *     request:
 *       method: GET
 *       path: /api/bots/b1
 *       token: {sub: alice, permissions: [bots:read]}   # claims, signed for the test
 *     expect: {allow: true, rule: read-bots}
 *   - name: an admin must have logged in recently
 *     request:
 *       now: 2026-01-01T12:00:00Z    # or epoch seconds; the time the case is decided and its token verified at
 *       method: GET
 *       path: /api/admin/users
 *       token: {sub: root, permissions: [admin], amr: [pwd, mfa]}
 *       time_claims: {auth_time: -20m}                # claims set to `now` plus a signed offset
 *     expect: {error: Step-up authentication required, step_up: [recent_login]}
 * </pre>
 */
public final class PolicyTestReader {

  private static final Set<String> TOP_KEYS = YamlNodes.ordered("package", "defaults", "cases");
  private static final Set<String> CASE_KEYS = YamlNodes.ordered("name", "request", "expect");
  private static final Set<String> REQUEST_KEYS = YamlNodes.ordered("method", "path", "ip", "headers", "token",
      "time_claims", "raw_token", "now");
  private static final Set<String> EXPECT_KEYS = YamlNodes.ordered("allow", "status", "error", "rule", "score", "step_up");
  /** A signed offset from the case's `now`: the sign is required, so `10m` cannot be read either way. */
  private static final Pattern OFFSET = Pattern.compile("([+-])(\\d{1,9})(s|m|h|d)");

  private PolicyTestReader() {}

  public static boolean isTestFile(Path file) {
    String name = file.getFileName().toString();
    return (name.endsWith(".test.yaml") || name.endsWith(".test.yml")) && !name.startsWith(".");
  }

  /** Every test file under {@code dir}, recursively (skipping dot-directories), in path order. */
  public static List<PolicyTestSuite> read(Path dir) throws PolicyLoadException {
    List<Diagnostic> problems = new ArrayList<>();
    List<PolicyTestSuite> suites = new ArrayList<>();
    List<Path> files = RuleSetReader.listFiles(dir, PolicyTestReader::isTestFile, problems);
    for (Path file : files) {
      String display = RuleSetReader.displayName(file);
      try {
        PolicyTestSuite suite = parse(display, Files.readString(file, StandardCharsets.UTF_8), problems);
        if (suite != null) suites.add(suite);
      } catch (IOException e) {
        problems.add(new Diagnostic(SourceLocation.of(display), "io_error", "cannot read file: " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new PolicyLoadException(problems.stream().sorted().limit(RuleSetReader.MAX_DIAGNOSTICS).toList());
    }
    return suites;
  }

  /** One test file's content; problems are added to {@code problems}. */
  public static PolicyTestSuite parse(String file, String content, List<Diagnostic> problems) {
    YamlNodes yaml = new YamlNodes(file, problems);
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(content));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problems.add(new Diagnostic(yaml.at(mark), "invalid_yaml", "invalid yaml: " + String.valueOf(e.getProblem()).trim()));
      return null;
    } catch (YAMLException e) {
      problems.add(new Diagnostic(SourceLocation.of(file), "invalid_yaml", "invalid yaml: " + e.getMessage()));
      return null;
    }
    if (root == null) {
      problems.add(new Diagnostic(SourceLocation.of(file), "empty_file", "test file is empty"));
      return null;
    }
    Map<String, NodeTuple> top = yaml.mapping(root, "test file", TOP_KEYS);
    if (top == null) return null;
    Located pkg = yaml.optionalString(top, "package");
    Map<String, NodeTuple> defaults = top.containsKey("defaults")
        ? yaml.mapping(top.get("defaults").getValueNode(), "`defaults`", REQUEST_KEYS) : Map.of();
    if (defaults == null) defaults = Map.of();
    List<PolicyTestSuite.Case> cases = new ArrayList<>();
    if (!top.containsKey("cases")) {
      problems.add(new Diagnostic(yaml.at(root), "missing_key", "missing key `cases`"));
    } else if (!(top.get("cases").getValueNode() instanceof SequenceNode seq)) {
      problems.add(new Diagnostic(yaml.at(top.get("cases").getValueNode()), "wrong_type", "`cases` must be a list"));
    } else {
      Set<String> names = new HashSet<>();
      for (Node item : seq.getValue()) {
        PolicyTestSuite.Case c = testCase(yaml, item, defaults, problems);
        if (c == null) continue;
        if (!names.add(c.name())) {
          problems.add(new Diagnostic(c.location(), "duplicate_case", "duplicate case name `" + c.name() + "`"));
          continue;
        }
        cases.add(c);
      }
    }
    return new PolicyTestSuite(file, pkg, cases);
  }

  private static PolicyTestSuite.Case testCase(YamlNodes yaml, Node node, Map<String, NodeTuple> defaults,
                                               List<Diagnostic> problems) {
    Map<String, NodeTuple> m = yaml.mapping(node, "a case", CASE_KEYS);
    if (m == null) return null;
    Located name = yaml.requiredString(m, node, "name");
    Map<String, NodeTuple> request = new LinkedHashMap<>(defaults);
    if (!m.containsKey("request")) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key", "missing key `request`"));
      return null;
    }
    Map<String, NodeTuple> own = yaml.mapping(m.get("request").getValueNode(), "`request`", REQUEST_KEYS);
    if (own == null) return null;
    request.putAll(own);
    Located method = request.containsKey("method") ? yaml.scalar(request.get("method").getValueNode(), "method") : null;
    Located path = request.containsKey("path") ? yaml.scalar(request.get("path").getValueNode(), "path") : null;
    if (method == null || path == null) {
      problems.add(new Diagnostic(yaml.at(m.get("request").getValueNode()), "missing_key",
          "a request needs `method` and `path`"));
      return null;
    }
    Located ip = request.containsKey("ip") ? yaml.scalar(request.get("ip").getValueNode(), "ip") : null;
    Map<String, String> headers = new LinkedHashMap<>();
    if (request.containsKey("headers")) {
      Map<String, NodeTuple> h = yaml.mapping(request.get("headers").getValueNode(), "`headers`", null);
      if (h != null) {
        for (Map.Entry<String, NodeTuple> e : h.entrySet()) {
          Located v = yaml.scalar(e.getValue().getValueNode(), "header `" + e.getKey() + "`");
          if (v != null) headers.put(e.getKey().toLowerCase(Locale.ROOT), v.value());
        }
      }
    }
    Map<String, Object> claims = null;
    if (request.containsKey("token")) {
      claims = yaml.data(request.get("token").getValueNode());
    }
    Long now = request.containsKey("now") ? time(yaml, request.get("now").getValueNode(), problems) : null;
    Map<String, Long> timeClaims = Map.of();
    if (request.containsKey("time_claims")) {
      timeClaims = timeClaims(yaml, request.get("time_claims"), claims, problems);
    }
    Located raw = request.containsKey("raw_token") ? yaml.scalar(request.get("raw_token").getValueNode(), "raw_token") : null;
    if (claims != null && raw != null) {
      problems.add(new Diagnostic(yaml.at(m.get("request").getValueNode()), "conflicting_keys",
          "use `token` (claims to sign) or `raw_token`, not both"));
    }
    if (!m.containsKey("expect")) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key", "missing key `expect`"));
      return null;
    }
    PolicyTestSuite.Expect expect = expect(yaml, m.get("expect").getValueNode(), problems);
    if (name == null || expect == null) return null;
    return new PolicyTestSuite.Case(name.value(), name.location(), method.value().toUpperCase(Locale.ROOT), path.value(),
        ip == null ? "" : ip.value(), headers, claims, timeClaims, raw == null ? null : raw.value(), now, expect);
  }

  /** Epoch seconds, as JWT time claims are written, or an ISO-8601 instant such as `2026-01-01T12:00:00Z`. */
  private static Long time(YamlNodes yaml, Node node, List<Diagnostic> problems) {
    if (node instanceof ScalarNode s && Tag.INT.equals(node.getTag()) && s.getValue().matches("\\d{1,12}")) {
      return Long.parseLong(s.getValue());
    }
    // YAML reads an unquoted timestamp as !!timestamp; either way the text is what counts.
    if (node instanceof ScalarNode s && (Tag.STR.equals(node.getTag()) || Tag.TIMESTAMP.equals(node.getTag()))) {
      try {
        return java.time.Instant.parse(s.getValue().strip()).getEpochSecond();
      } catch (java.time.format.DateTimeParseException ignored) {
        // reported below
      }
    }
    problems.add(new Diagnostic(yaml.at(node), "invalid_time",
        "`now` must be epoch seconds (1767268800) or an ISO-8601 instant (2026-01-01T12:00:00Z)"));
    return null;
  }

  /** Claim name to offset in seconds from the case's `now`; each claim set here or in `token`, not both. */
  private static Map<String, Long> timeClaims(YamlNodes yaml, NodeTuple entry, Map<String, Object> claims,
                                              List<Diagnostic> problems) {
    if (claims == null) {
      problems.add(new Diagnostic(yaml.at(entry.getKeyNode()), "missing_key",
          "`time_claims` adds claims to `token`, and this request has no `token`"));
      return Map.of();
    }
    Map<String, NodeTuple> m = yaml.mapping(entry.getValueNode(), "`time_claims`", null);
    if (m == null) return Map.of();
    Map<String, Long> offsets = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> e : m.entrySet()) {
      if (claims.containsKey(e.getKey())) {
        problems.add(new Diagnostic(yaml.at(e.getValue().getKeyNode()), "conflicting_keys",
            "claim `" + e.getKey() + "` is set in `token` and in `time_claims`; keep one"));
        continue;
      }
      Located text = yaml.scalar(e.getValue().getValueNode(), "time claim `" + e.getKey() + "`");
      if (text == null) continue;
      Matcher matcher = OFFSET.matcher(text.value().strip());
      if (text.value().strip().matches("0[smhd]?")) {
        offsets.put(e.getKey(), 0L);
      } else if (matcher.matches()) {
        long n = Long.parseLong(matcher.group(2)) * switch (matcher.group(3)) {
          case "m" -> 60L;
          case "h" -> 3600L;
          case "d" -> 86400L;
          default -> 1L;
        };
        offsets.put(e.getKey(), matcher.group(1).equals("-") ? -n : n);
      } else {
        problems.add(new Diagnostic(text.location(), "invalid_duration", "time claim `" + e.getKey() + "`: `"
            + text.value() + "` must be a signed offset from `now`, like `-20m` (20 minutes before) or `+1h`"));
      }
    }
    return offsets;
  }

  private static PolicyTestSuite.Expect expect(YamlNodes yaml, Node node, List<Diagnostic> problems) {
    Map<String, NodeTuple> m = yaml.mapping(node, "`expect`", EXPECT_KEYS);
    if (m == null) return null;
    if (m.isEmpty()) {
      problems.add(new Diagnostic(yaml.at(node), "empty_value", "`expect` must check at least one of "
          + String.join(", ", EXPECT_KEYS.stream().map(k -> "`" + k + "`").toList())));
      return null;
    }
    Boolean allow = m.containsKey("allow") ? yaml.bool(m.get("allow").getValueNode(), "allow") : null;
    Integer status = m.containsKey("status") ? integer(yaml, m.get("status").getValueNode(), "status", problems) : null;
    Integer score = m.containsKey("score") ? integer(yaml, m.get("score").getValueNode(), "score", problems) : null;
    Located error = yaml.optionalString(m, "error");
    boolean ruleSet = m.containsKey("rule");
    String rule = null;
    if (ruleSet) {
      Node r = m.get("rule").getValueNode();
      if (!(r instanceof ScalarNode s && Tag.NULL.equals(r.getTag()))) {
        Located l = yaml.scalar(r, "rule");
        rule = l == null ? null : l.value();
      }
    }
    List<String> stepUp = m.containsKey("step_up") ? yaml.stringList(m.get("step_up").getValueNode(), "step_up") : null;
    return new PolicyTestSuite.Expect(allow, status, error == null ? null : error.value(), ruleSet, rule, score, stepUp);
  }

  private static Integer integer(YamlNodes yaml, Node node, String what, List<Diagnostic> problems) {
    if (node instanceof ScalarNode s && Tag.INT.equals(node.getTag())) {
      try {
        return Integer.parseInt(s.getValue());
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    problems.add(new Diagnostic(yaml.at(node), "wrong_type", "`" + what + "` must be a whole number"));
    return null;
  }
}
