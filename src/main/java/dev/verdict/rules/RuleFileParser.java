package dev.verdict.rules;

import dev.verdict.Diagnostic;
import dev.verdict.SourceLocation;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Parses one rule file, adding a diagnostic for every problem it finds. Single use. */
final class RuleFileParser {

  static final Set<String> ALGORITHMS = Set.of(
      "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  private static final Set<String> TOP_KEYS = YamlNodes.ordered("package", "identity", "data", "risk", "step_up", "routes");
  private static final Set<String> IDENTITY_KEYS = YamlNodes.ordered("tokens", "algorithms", "secret", "public_key", "jwks",
      "jwks_refresh_interval", "issuer", "issuers", "audience", "leeway", "permissions_claim", "roles_claim", "roles",
      "required_claims", "require_exp");
  /** Keys of one issuer: inside each `issuers` entry, or directly under `identity` in the single-issuer form. */
  private static final Set<String> ISSUER_KEYS = YamlNodes.ordered("issuer", "algorithms", "secret", "public_key", "jwks",
      "jwks_refresh_interval", "audience", "permissions_claim", "roles_claim");
  private static final Set<String> RISK_KEYS = YamlNodes.ordered("threshold", "signals");
  private static final Set<String> ROUTE_KEYS = YamlNodes.ordered("id", "path", "methods", "permission", "permissions", "when",
      "effect", "public", "risk", "step_up");
  private static final Set<String> ROUTE_RISK_KEYS = YamlNodes.ordered("threshold");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
      "TRACE", "CONNECT");
  private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  private static final Pattern PERMISSION = Pattern.compile("[^\\s,]+");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  private final RuleSet.Source source;
  private final List<Diagnostic> problems;
  private final YamlNodes yaml;

  RuleFileParser(RuleSet.Source source, List<Diagnostic> problems) {
    this.source = source;
    this.problems = problems;
    this.yaml = new YamlNodes(source.name(), problems);
  }

  /** The package, or {@code null} when the file is too broken to say which package it is. */
  PackageSpec parse() {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(20);
      options.setAllowRecursiveKeys(false);
      options.setCodePointLimit(4 * 1024 * 1024);
      root = new Yaml(options).compose(new StringReader(source.content()));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      problems.add(new Diagnostic(yaml.at(mark), "invalid_yaml", "invalid yaml: " + what.trim() + hint(mark)));
      return null;
    } catch (YAMLException e) {
      problems.add(new Diagnostic(SourceLocation.of(source.name()), "invalid_yaml", "invalid yaml: " + e.getMessage()));
      return null;
    }
    if (root == null) {
      problems.add(new Diagnostic(SourceLocation.of(source.name()), "empty_file", "rule file is empty"));
      return null;
    }
    Map<String, NodeTuple> top = yaml.mapping(root, "rule file", TOP_KEYS);
    if (top == null) return null;

    Located name = yaml.requiredString(top, root, "package");
    if (name != null && !PACKAGE_NAME.matcher(name.value()).matches()) {
      problems.add(new Diagnostic(name.location(), "invalid_package",
          "package `" + name.value() + "` must be dotted lowercase words, like `shop.http`"));
    }
    IdentitySpec identity = top.containsKey("identity") ? identity(top.get("identity").getValueNode()) : null;
    Map<String, Object> data = top.containsKey("data") ? yaml.data(top.get("data").getValueNode()) : Map.of();
    if (data != null && !(data instanceof Map)) data = Map.of();
    RiskSpec risk = top.containsKey("risk") ? risk(top.get("risk").getValueNode())
        : new RiskSpec(RiskSpec.DEFAULT_THRESHOLD, List.of());
    List<StepUpSpec> stepUp = top.containsKey("step_up") ? stepUp(top.get("step_up").getValueNode(), "package") : List.of();
    List<RouteSpec> routes = top.containsKey("routes") ? routes(top.get("routes").getValueNode()) : List.of();
    if (!top.containsKey("routes")) {
      problems.add(new Diagnostic(yaml.at(root), "missing_key", "missing key `routes`: a package without routes denies everything"));
    }
    boolean needsIdentity = routes.stream().anyMatch(r -> !r.isPublic() && r.effect() == RouteSpec.Effect.ALLOW);
    if (identity == null && needsIdentity) {
      problems.add(new Diagnostic(yaml.at(root), "missing_key",
          "missing key `identity`: routes that are not public need a token to verify"));
    }
    if (name == null) return null;
    return new PackageSpec(source.name(), source.baseDir(), name, identity, data, risk, stepUp, routes);
  }

  // ---- sections -------------------------------------------------------------------------------

  private IdentitySpec identity(Node node) {
    Map<String, NodeTuple> m = yaml.mapping(node, "`identity`", IDENTITY_KEYS);
    if (m == null) return null;
    List<String> tokens = m.containsKey("tokens") ? yaml.stringList(m.get("tokens").getValueNode(), "tokens")
        : List.of("cookie:access_token", "bearer");
    if (m.containsKey("tokens")) {
      if (tokens.isEmpty() && m.get("tokens").getValueNode() instanceof SequenceNode) {
        problems.add(new Diagnostic(yaml.at(m.get("tokens").getValueNode()), "empty_list",
            "`tokens` is empty, so no token could ever be found; leave it out for `[cookie:access_token, bearer]`"));
      }
      for (String t : tokens) {
        if (!t.equals("bearer") && !(t.startsWith("cookie:") && t.length() > "cookie:".length())) {
          problems.add(new Diagnostic(yaml.at(m.get("tokens").getValueNode()), "invalid_token_source",
              "unknown token source `" + t + "`; use `bearer` or `cookie:NAME`"));
        }
      }
    }
    List<IssuerSpec> issuers = new ArrayList<>();
    if (m.containsKey("issuers")) {
      // One form or the other: a key beside `issuers` would silently apply to no issuer, or to all.
      for (Map.Entry<String, NodeTuple> e : m.entrySet()) {
        if (ISSUER_KEYS.contains(e.getKey())) {
          problems.add(new Diagnostic(yaml.at(e.getValue().getKeyNode()), "conflicting_keys",
              "`" + e.getKey() + "` cannot sit beside `issuers`: move it into each `issuers` entry"));
        }
      }
      issuers.addAll(issuerList(m.get("issuers").getValueNode()));
    } else {
      issuers.add(issuer(node, m, false));
    }
    long leeway = 0;
    Located leewayText = yaml.optionalString(m, "leeway");
    if (leewayText != null) leeway = durationSeconds(leewayText);
    Map<String, List<String>> roles = new LinkedHashMap<>();
    if (m.containsKey("roles")) {
      Map<String, NodeTuple> r = yaml.mapping(m.get("roles").getValueNode(), "`roles`", null);
      if (r != null) {
        for (Map.Entry<String, NodeTuple> e : r.entrySet()) {
          List<String> granted = new ArrayList<>();
          for (String p : yaml.stringList(e.getValue().getValueNode(), "roles." + e.getKey())) {
            granted.add(permission(new Located(p, yaml.at(e.getValue().getValueNode()))));
          }
          roles.put(e.getKey(), granted);
        }
      }
      if (issuers.stream().allMatch(i -> i.rolesClaim() == null)) {
        problems.add(new Diagnostic(yaml.at(m.get("roles").getKeyNode()), "missing_key", m.containsKey("issuers")
            ? "`roles` needs `roles_claim` in at least one `issuers` entry: the claim that lists the token's roles"
            : "`roles` needs `roles_claim`: the claim that lists the token's roles, e.g. `realm_access.roles`"));
      }
    }
    List<String> requiredClaims = m.containsKey("required_claims")
        ? yaml.stringList(m.get("required_claims").getValueNode(), "required_claims") : List.of();
    boolean requireExp = !m.containsKey("require_exp") || yaml.bool(m.get("require_exp").getValueNode(), "require_exp");
    return new IdentitySpec(yaml.at(node), tokens, leeway, roles, requiredClaims, requireExp, issuers);
  }

  private List<IssuerSpec> issuerList(Node node) {
    if (!(node instanceof SequenceNode seq)) {
      problems.add(new Diagnostic(yaml.at(node), "wrong_type", "`issuers` must be a list of issuers"));
      return List.of();
    }
    if (seq.getValue().isEmpty()) {
      problems.add(new Diagnostic(yaml.at(node), "empty_list", "`issuers` must list at least one issuer"));
      return List.of();
    }
    List<IssuerSpec> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node item : seq.getValue()) {
      Map<String, NodeTuple> m = yaml.mapping(item, "each `issuers` entry", ISSUER_KEYS);
      if (m == null) continue;
      IssuerSpec spec = issuer(item, m, true);
      if (spec.issuer() == null) continue;
      if (!seen.add(spec.issuer())) {
        problems.add(new Diagnostic(yaml.at(m.get("issuer").getValueNode()), "duplicate_issuer",
            "issuer `" + spec.issuer() + "` is listed twice; a token's `iss` must choose exactly one entry"));
        continue;
      }
      out.add(spec);
    }
    return out;
  }

  /** The keys of one issuer: an `issuers` entry, or the `identity` section itself in the single-issuer form. */
  private IssuerSpec issuer(Node node, Map<String, NodeTuple> m, boolean inList) {
    Located issuer = yaml.optionalString(m, "issuer");
    if (inList && issuer == null && !m.containsKey("issuer")) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key",
          "missing key `issuer`: each `issuers` entry is chosen by the token's `iss`"));
    }
    List<String> algorithms = List.of();
    if (!m.containsKey("algorithms")) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key", "missing key `algorithms`: list the only algorithms tokens may use"));
    } else {
      Node algNode = m.get("algorithms").getValueNode();
      algorithms = yaml.stringList(algNode, "algorithms");
      for (String alg : algorithms) {
        if (alg.equalsIgnoreCase("none")) {
          problems.add(new Diagnostic(yaml.at(algNode), "forbidden_algorithm", "algorithm `none` can never be allowed"));
        } else if (!ALGORITHMS.contains(alg)) {
          problems.add(new Diagnostic(yaml.at(algNode), "unknown_algorithm",
              "unknown algorithm `" + alg + "`" + YamlNodes.suggestion(alg, ALGORITHMS)));
        }
      }
      if (algorithms.isEmpty()) {
        problems.add(new Diagnostic(yaml.at(algNode), "empty_list", "`algorithms` must name at least one algorithm"));
      }
    }
    Located secret = yaml.optionalString(m, "secret");
    Located publicKey = yaml.optionalString(m, "public_key");
    Located jwks = yaml.optionalString(m, "jwks");
    boolean hmac = algorithms.stream().anyMatch(a -> a.startsWith("HS"));
    // Only known algorithms ask for a key: `none` or a typo already has its own diagnostic.
    boolean asymmetric = algorithms.stream().anyMatch(a -> ALGORITHMS.contains(a) && !a.startsWith("HS"));
    if (hmac && secret == null) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key", "missing key `secret`: HMAC algorithms need a shared secret"));
    }
    if (asymmetric && publicKey == null && jwks == null) {
      problems.add(new Diagnostic(yaml.at(node), "missing_key",
          "missing key `public_key` or `jwks`: signature algorithms need a public key"));
    }
    if (secret != null && !hmac) {
      problems.add(new Diagnostic(secret.location(), "unused_key",
          "`secret` is set but no HMAC algorithm (`HS256`, ...) is allowed"));
    }
    long refreshInterval = IssuerSpec.DEFAULT_JWKS_REFRESH_INTERVAL_SECONDS;
    Located refreshText = yaml.optionalString(m, "jwks_refresh_interval");
    if (refreshText != null) {
      refreshInterval = durationSeconds(refreshText);
      if (jwks == null || jwks.value().startsWith("file:")) {
        problems.add(new Diagnostic(refreshText.location(), "unused_key",
            "`jwks_refresh_interval` is set but `jwks` is not a url; a jwks file is read once, at load"));
      } else if (refreshInterval < 1 && DURATION.matcher(refreshText.value().trim()).matches()) {
        problems.add(new Diagnostic(refreshText.location(), "invalid_duration",
            "`jwks_refresh_interval` must be at least `1s`, so unknown `kid`s cannot make every request fetch keys"));
      }
    }
    List<String> audience = List.of();
    if (m.containsKey("audience")) {
      Node a = m.get("audience").getValueNode();
      if (a instanceof SequenceNode) {
        audience = yaml.stringList(a, "audience");
      } else {
        Located one = yaml.scalar(a, "audience");
        audience = one == null ? List.of() : List.of(one.value());
      }
    }
    Located claim = yaml.optionalString(m, "permissions_claim");
    Located rolesClaim = yaml.optionalString(m, "roles_claim");
    return new IssuerSpec(yaml.at(node), issuer == null ? null : issuer.value(), algorithms, secret, publicKey, jwks,
        refreshInterval, audience, claim == null ? "permissions" : claim.value(),
        rolesClaim == null ? null : rolesClaim.value());
  }

  private RiskSpec risk(Node node) {
    Map<String, NodeTuple> m = yaml.mapping(node, "`risk`", RISK_KEYS);
    if (m == null) return new RiskSpec(RiskSpec.DEFAULT_THRESHOLD, List.of());
    int threshold = m.containsKey("threshold") ? threshold(m.get("threshold").getValueNode()) : RiskSpec.DEFAULT_THRESHOLD;
    List<RiskSpec.Signal> signals = new ArrayList<>();
    if (m.containsKey("signals")) {
      Node sNode = m.get("signals").getValueNode();
      if (sNode instanceof MappingNode sm) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : sm.getValue()) {
          Located name = yaml.scalar(t.getKeyNode(), "signal name");
          if (name == null) continue;
          if (!IDENTIFIER.matcher(name.value()).matches()) {
            problems.add(new Diagnostic(name.location(), "invalid_signal_name",
                "signal name `" + name.value() + "` must be an identifier (letters, digits, `_`)"));
          }
          if (!seen.add(name.value())) {
            problems.add(new Diagnostic(name.location(), "duplicate_key", "duplicate signal `" + name.value() + "`"));
            continue;
          }
          Located expr = expression(t.getValueNode(), "signal `" + name.value() + "`");
          if (expr != null) signals.add(new RiskSpec.Signal(name, expr));
        }
      } else {
        problems.add(new Diagnostic(yaml.at(sNode), "wrong_type", "`signals` must be a mapping of name to expression"));
      }
    }
    return new RiskSpec(threshold, signals);
  }

  /** `step_up`: requirement name to boolean expression, at package level or on a route. */
  private List<StepUpSpec> stepUp(Node node, String where) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(new Diagnostic(yaml.at(node), "wrong_type", "`step_up` must be a mapping of requirement name to "
          + "expression, e.g. `mfa: \"inList('mfa', token.amr)\"`"));
      return List.of();
    }
    List<StepUpSpec> requirements = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : mapping.getValue()) {
      Located name = yaml.scalar(t.getKeyNode(), "step-up requirement name");
      if (name == null) continue;
      if (!IDENTIFIER.matcher(name.value()).matches()) {
        problems.add(new Diagnostic(name.location(), "invalid_requirement_name",
            "step-up requirement name `" + name.value() + "` must be an identifier (letters, digits, `_`): "
                + "clients read it from the decision's `step_up`"));
      }
      if (!seen.add(name.value())) {
        problems.add(new Diagnostic(name.location(), "duplicate_key", "duplicate step-up requirement `" + name.value()
            + "` in the " + where + "'s `step_up`"));
        continue;
      }
      Located expr = expression(t.getValueNode(), "step-up requirement `" + name.value() + "`");
      if (expr != null) requirements.add(new StepUpSpec(name, expr));
    }
    return requirements;
  }

  private List<RouteSpec> routes(Node node) {
    if (!(node instanceof SequenceNode seq)) {
      problems.add(new Diagnostic(yaml.at(node), "wrong_type", "`routes` must be a list"));
      return List.of();
    }
    List<RouteSpec> routes = new ArrayList<>();
    Map<String, SourceLocation> ids = new HashMap<>();
    for (Node item : seq.getValue()) {
      RouteSpec route = route(item);
      if (route == null) continue;
      SourceLocation previous = ids.putIfAbsent(route.id().value(), route.id().location());
      if (previous != null) {
        problems.add(new Diagnostic(route.id().location(), "duplicate_route_id",
            "duplicate route id `" + route.id().value() + "`; first defined at " + previous));
        continue;
      }
      routes.add(route);
    }
    return routes;
  }

  private RouteSpec route(Node node) {
    Map<String, NodeTuple> m = yaml.mapping(node, "a route", ROUTE_KEYS);
    if (m == null) return null;
    Located id = yaml.requiredString(m, node, "id");
    if (id != null && !ROUTE_ID.matcher(id.value()).matches()) {
      problems.add(new Diagnostic(id.location(), "invalid_route_id",
          "route id `" + id.value() + "` may hold letters, digits, `_`, `.`, `:` and `-`"));
    }
    Located path = yaml.requiredString(m, node, "path");
    Set<String> methods = new LinkedHashSet<>();
    if (m.containsKey("methods")) {
      Node mNode = m.get("methods").getValueNode();
      for (String method : yaml.stringList(mNode, "methods")) {
        String upper = method.toUpperCase(java.util.Locale.ROOT);
        if (!METHODS.contains(upper)) {
          problems.add(new Diagnostic(yaml.at(mNode), "unknown_method", "unknown http method `" + method + "`"));
        } else if (!methods.add(upper)) {
          problems.add(new Diagnostic(yaml.at(mNode), "duplicate_method", "method `" + upper + "` is listed twice"));
        }
      }
      if (methods.isEmpty() && mNode instanceof SequenceNode seq && seq.getValue().isEmpty()) {
        problems.add(new Diagnostic(yaml.at(mNode), "empty_list", "`methods` is empty; leave it out to match every method"));
      }
    }
    List<String> permissions = new ArrayList<>();
    if (m.containsKey("permission") && m.containsKey("permissions")) {
      problems.add(new Diagnostic(yaml.at(m.get("permissions").getKeyNode()), "conflicting_keys",
          "use `permission` or `permissions`, not both"));
    }
    if (m.containsKey("permission")) {
      Located p = yaml.scalar(m.get("permission").getValueNode(), "permission");
      if (p != null) permissions.add(permission(p));
    }
    if (m.containsKey("permissions")) {
      Node pNode = m.get("permissions").getValueNode();
      for (String p : yaml.stringList(pNode, "permissions")) permissions.add(permission(new Located(p, yaml.at(pNode))));
    }
    Located when = m.containsKey("when") ? expression(m.get("when").getValueNode(), "`when`") : null;
    RouteSpec.Effect effect = RouteSpec.Effect.ALLOW;
    if (m.containsKey("effect")) {
      Located e = yaml.scalar(m.get("effect").getValueNode(), "effect");
      if (e != null) {
        switch (e.value()) {
          case "allow" -> effect = RouteSpec.Effect.ALLOW;
          case "deny" -> effect = RouteSpec.Effect.DENY;
          default -> problems.add(new Diagnostic(e.location(), "invalid_effect",
              "effect `" + e.value() + "` must be `allow` or `deny`"));
        }
      }
    }
    boolean isPublic = m.containsKey("public") && yaml.bool(m.get("public").getValueNode(), "public");
    Integer routeThreshold = null;
    if (m.containsKey("risk")) {
      Map<String, NodeTuple> r = yaml.mapping(m.get("risk").getValueNode(), "route `risk`", ROUTE_RISK_KEYS);
      if (r != null && r.containsKey("threshold")) routeThreshold = threshold(r.get("threshold").getValueNode());
    }
    List<StepUpSpec> stepUp = m.containsKey("step_up") ? stepUp(m.get("step_up").getValueNode(), "route") : null;
    SourceLocation where = yaml.at(node);
    if (effect == RouteSpec.Effect.DENY && (!permissions.isEmpty() || when != null || isPublic || stepUp != null)) {
      problems.add(new Diagnostic(where, "deny_with_conditions",
          "a route with `effect: deny` denies outright; remove `permission(s)`, `when`, `step_up` and `public`"));
    }
    if (isPublic && (!permissions.isEmpty() || when != null || routeThreshold != null || stepUp != null)) {
      problems.add(new Diagnostic(where, "public_with_conditions",
          "a `public` route checks no identity; remove `permission(s)`, `when`, `risk` and `step_up`"));
    }
    if (!isPublic && effect == RouteSpec.Effect.ALLOW && permissions.isEmpty() && when == null) {
      problems.add(new Diagnostic(where, "missing_permission",
          "route needs `permission`, `permissions` or `when` (or `public: true` to skip identity)"));
    }
    if (id == null || path == null) return null;
    return new RouteSpec(id, where, path, methods, permissions, when, effect, isPublic, routeThreshold, stepUp);
  }

  // ---- typed readers --------------------------------------------------------------------------

  private Located expression(Node node, String what) {
    if (!(node instanceof ScalarNode s) || !Tag.STR.equals(node.getTag())) {
      problems.add(new Diagnostic(yaml.at(node), "wrong_type", what + " must be an expression in a string"));
      return null;
    }
    if (s.getValue().isBlank()) {
      problems.add(new Diagnostic(yaml.at(node), "empty_value", what + " must not be empty"));
      return null;
    }
    return new Located(s.getValue(), yaml.at(node));
  }

  private int threshold(Node node) {
    if (node instanceof ScalarNode s && Tag.INT.equals(node.getTag())) {
      try {
        int v = Integer.parseInt(s.getValue());
        if (v >= 0 && v <= 100) return v;
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    problems.add(new Diagnostic(yaml.at(node), "invalid_threshold", "`threshold` must be a whole number from 0 to 100"));
    return RiskSpec.DEFAULT_THRESHOLD;
  }

  private String permission(Located p) {
    if (!PERMISSION.matcher(p.value()).matches()) {
      problems.add(new Diagnostic(p.location(), "invalid_permission",
          "permission `" + p.value() + "` must be one word without spaces or commas"));
    }
    return p.value();
  }

  /** A `{param}` inside a `{...}` flow mapping is the most common way to break a rule file. */
  private String hint(Mark mark) {
    if (mark == null) return "";
    String[] lines = source.content().split("\n", -1);
    String line = mark.getLine() < lines.length ? lines[mark.getLine()] : "";
    return line.contains("path:") && line.matches(".*\\{[A-Za-z_].*") && !line.matches(".*path: *[\"'].*")
        ? "; quote a path that holds `{param}`, e.g. `path: \"/bots/{id}\"`" : "";
  }

  private long durationSeconds(Located text) {
    var matcher = DURATION.matcher(text.value().trim());
    if (!matcher.matches()) {
      problems.add(new Diagnostic(text.location(), "invalid_duration",
          "duration `" + text.value() + "` must look like `30s`, `5m` or `1h`"));
      return 0;
    }
    long n = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    return switch (unit) {
      case "ms" -> n / 1000;
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n;
    };
  }
}
