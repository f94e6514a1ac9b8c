package dev.verdict.compile;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.Expression;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.Signal;
import dev.verdict.policy.StepUpRequirement;
import dev.verdict.rules.StepUpSpec;
import dev.verdict.rules.PackageSpec;
import dev.verdict.rules.RiskSpec;
import dev.verdict.rules.RouteSpec;
import dev.verdict.rules.RuleSet;
import dev.verdict.rules.RuleSetReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles a rule set into an immutable policy, or fails with every problem found. Stateless
 * apart from its environment lookup; safe to reuse.
 */
public final class PolicyCompiler {

  private final Function<String, String> environment;

  private PolicyCompiler(Function<String, String> environment) {
    this.environment = environment;
  }

  /** A compiler that resolves {@code ${env:NAME}} from the process environment. */
  public static PolicyCompiler create() {
    return new PolicyCompiler(System::getenv);
  }

  /** A compiler with its own environment, for tests and embedding services that hold secrets elsewhere. */
  public static PolicyCompiler create(Function<String, String> environment) {
    return new PolicyCompiler(environment);
  }

  /** Reads and compiles every rule file under {@code dir}. */
  public CompiledPolicy compileDirectory(Path dir) throws PolicyLoadException {
    return compile(RuleSetReader.read(dir));
  }

  /**
   * Reads and compiles every rule file under {@code dir}, keeping the packages of {@code previous}
   * whose files did not change (see {@link #compile(RuleSet, CompiledPolicy)}).
   */
  public CompiledPolicy compileDirectory(Path dir, CompiledPolicy previous) throws PolicyLoadException {
    return compile(RuleSetReader.read(dir), previous);
  }

  public CompiledPolicy compile(RuleSet ruleSet) throws PolicyLoadException {
    return compile(ruleSet, null);
  }

  /**
   * As {@link #compile(RuleSet)}, but a package of {@code previous} whose rule file has the same
   * name and text, and whose keys resolve to the same settings, is kept as it is rather than
   * compiled again. Compiling is a pure function of those inputs, so the result is the same; what
   * changes is that a reload of one file leaves every other package's objects (routes, tries,
   * expressions) in place, already warm in the caches of the threads deciding with them.
   */
  public CompiledPolicy compile(RuleSet ruleSet, CompiledPolicy previous) throws PolicyLoadException {
    List<Diagnostic> problems = new ArrayList<>();
    ExpressionCompiler expressions = new ExpressionCompiler();
    Map<String, CompiledPackage> packages = new LinkedHashMap<>();
    Map<String, String> digests = new LinkedHashMap<>(); // file name to SHA-256 of its text, in load order
    for (RuleSet.Source source : ruleSet.sources()) digests.put(source.name(), sha256(source.content()));
    for (PackageSpec spec : ruleSet.packages()) {
      String digest = digests.get(spec.file());
      // Key files and environment entries are read on every compile: they can change while the
      // rule file does not, and then the package must be compiled again.
      int before = problems.size();
      IdentityConfig identity = spec.identity() == null ? null
          : new KeyResolver(environment, problems).resolve(spec.identity(), spec.baseDir());
      CompiledPackage compiled = problems.size() == before ? reusable(spec, digest, identity, previous) : null;
      if (compiled == null) compiled = compilePackage(spec, digest, identity, expressions, problems, before);
      if (compiled != null) packages.put(compiled.decisionPath(), compiled);
    }
    if (!problems.isEmpty()) {
      throw new PolicyLoadException(problems.stream().sorted().limit(RuleSetReader.MAX_DIAGNOSTICS).toList());
    }
    List<String> files = ruleSet.sources().stream().map(RuleSet.Source::name).toList();
    return new CompiledPolicy(revision(digests, packages.values()), packages, files);
  }

  /** {@code previous}'s package for {@code spec} when nothing it was compiled from has changed, else null. */
  private static CompiledPackage reusable(PackageSpec spec, String digest, IdentityConfig identity,
                                          CompiledPolicy previous) {
    if (previous == null || digest == null) return null;
    CompiledPackage old = previous.packageAt(spec.decisionPath());
    if (old == null || !digest.equals(old.sourceDigest()) || !spec.file().equals(old.file())) return null;
    return Objects.equals(identity, old.identity()) ? old : null;
  }

  /**
   * @param identity {@code spec}'s identity settings with keys resolved (problems already reported)
   * @param before   the number of problems before this package's keys were resolved
   */
  private CompiledPackage compilePackage(PackageSpec spec, String digest, IdentityConfig identity,
                                         ExpressionCompiler expressions, List<Diagnostic> problems, int before) {

    List<Signal> signals = new ArrayList<>();
    for (RiskSpec.Signal s : spec.risk().signals()) {
      Expression e = expressions.compile(s.expression(), "signal `" + s.name().value() + "`",
          ExpressionCompiler.Expected.NUMBER, problems);
      if (e != null) signals.add(new Signal(s.name().value(), e));
    }

    // Compiled once, shared by every route that inherits them.
    List<StepUpRequirement> packageStepUp = stepUp(spec.stepUp(), "", expressions, problems);

    List<CompiledRoute> allows = new ArrayList<>();
    List<CompiledRoute> denies = new ArrayList<>();
    Map<String, List<RouteSpec>> byShape = new LinkedHashMap<>();
    for (RouteSpec r : spec.routes()) {
      PathPattern pattern = PathPatterns.parse(r.path(), problems);
      Expression when = r.when() == null ? null : expressions.compile(r.when(), "`when` of route `" + r.id() + "`",
          ExpressionCompiler.Expected.BOOLEAN, problems);
      List<StepUpRequirement> stepUp = r.stepUp() == null ? packageStepUp
          : stepUp(r.stepUp(), " of route `" + r.id().value() + "`", expressions, problems);
      if (pattern == null || (r.when() != null && when == null)) continue;
      for (RouteSpec other : byShape.getOrDefault(pattern.shape(), List.of())) {
        if (overlaps(r, other)) {
          problems.add(new Diagnostic(r.path().location(), "duplicate_route",
              "route `" + r.id().value() + "` has the same path and an overlapping method as route `"
                  + other.id().value() + "` (" + other.path().location() + ")"));
        }
      }
      byShape.computeIfAbsent(pattern.shape(), k -> new ArrayList<>()).add(r);
      int threshold = r.riskThreshold() != null ? r.riskThreshold() : spec.risk().threshold();
      boolean deny = r.effect() == RouteSpec.Effect.DENY;
      // The package's requirements guard what it grants; a public or deny route grants nothing to a user.
      CompiledRoute route = new CompiledRoute(r.id().value(), pattern, r.methods(), r.permissions(), when,
          deny, r.isPublic(), threshold, deny || r.isPublic() ? List.of() : stepUp);
      (route.deny() ? denies : allows).add(route);
    }
    reportShadowed(spec, allows, denies, problems);
    Map<String, Object> data = prepareData(spec.data());
    if (problems.size() > before) return null;
    List<CompiledRoute> all = new ArrayList<>(allows);
    all.addAll(denies);
    return new CompiledPackage(spec.name().value(), spec.decisionPath(), spec.file(), identity, data,
        spec.risk().threshold(), signals, RouteMatchers.indexed(allows), RouteMatchers.indexed(denies), all, digest);
  }

  /** The requirements compiled; one that does not compile is left out after its diagnostic. */
  private static List<StepUpRequirement> stepUp(List<StepUpSpec> specs, String owner, ExpressionCompiler expressions,
                                                List<Diagnostic> problems) {
    List<StepUpRequirement> out = new ArrayList<>();
    for (StepUpSpec s : specs) {
      Expression e = expressions.compile(s.expression(), "step-up requirement `" + s.name().value() + "`" + owner,
          ExpressionCompiler.Expected.BOOLEAN, problems);
      if (e != null) out.add(new StepUpRequirement(s.name().value(), e, List.copyOf(ClaimReferences.in(s.expression().value()))));
    }
    return out;
  }

  /**
   * An allow route that a deny route overrides for every path and method it could match is dead
   * code. A deny can only cover an allow that repeats the deny's leading literal segments, so each
   * deny is checked against the allows sharing that prefix, not against all of them: 10,000 routes
   * with 200 denies would otherwise be two million checks on every reload.
   */
  private static void reportShadowed(PackageSpec spec, List<CompiledRoute> allows, List<CompiledRoute> denies,
                                     List<Diagnostic> problems) {
    if (denies.isEmpty()) return;
    Set<Integer> prefixLengths = new HashSet<>();
    for (CompiledRoute deny : denies) prefixLengths.add(literalPrefix(deny.pattern()).size());
    Map<List<String>, List<CompiledRoute>> allowsByPrefix = new HashMap<>();
    for (CompiledRoute allow : allows) {
      List<String> prefix = literalPrefix(allow.pattern());
      for (int length : prefixLengths) {
        if (length <= prefix.size()) {
          allowsByPrefix.computeIfAbsent(prefix.subList(0, length), k -> new ArrayList<>()).add(allow);
        }
      }
    }
    Set<CompiledRoute> reported = Collections.newSetFromMap(new IdentityHashMap<>());
    for (CompiledRoute deny : denies) {
      for (CompiledRoute allow : allowsByPrefix.getOrDefault(literalPrefix(deny.pattern()), List.of())) {
        boolean methodsCovered = deny.methods().isEmpty()
            || (!allow.methods().isEmpty() && deny.methods().containsAll(allow.methods()));
        if (methodsCovered && !reported.contains(allow) && deny.pattern().covers(allow.pattern())) {
          reported.add(allow);
          RouteSpec written = spec.routes().stream().filter(r -> r.id().value().equals(allow.id())).findFirst().orElseThrow();
          problems.add(new Diagnostic(written.location(), "unreachable_route", "route `" + allow.id()
              + "` can never allow: deny route `" + deny.id() + "` (`" + deny.pattern() + "`) overrides it on every path"));
        }
      }
    }
  }

  /** The values of a pattern's leading literal segments. */
  private static List<String> literalPrefix(PathPattern pattern) {
    List<String> values = new ArrayList<>();
    for (PathPattern.Segment segment : pattern.segments()) {
      if (segment.kind() != PathPattern.Kind.LITERAL) break;
      values.add(segment.value());
    }
    return values;
  }

  private static boolean overlaps(RouteSpec a, RouteSpec b) {
    if (a.methods().isEmpty() || b.methods().isEmpty()) return true;
    for (String m : a.methods()) if (b.methods().contains(m)) return true;
    return false;
  }

  /** Pre-parses lists of CIDRs so {@code cidr()} does no parsing per request. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> prepareData(Map<String, Object> data) {
    return (Map<String, Object>) prepareValue(data);
  }

  private static Object prepareValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, prepareValue(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> list) {
      if (CidrList.looksLikeCidrs(list)) {
        try {
          return CidrList.parse(list.stream().map(String.class::cast).toList());
        } catch (IllegalArgumentException notCidrs) {
          return list;
        }
      }
      return Collections.unmodifiableList(list.stream().map(PolicyCompiler::prepareValue).toList());
    }
    return value;
  }

  /**
   * A hash of everything a decision depends on: the rule files and the key material they name
   * (secret, PEM and JWKS files can change while the rules do not, and a reload must then swap).
   * Secrets enter only through SHA-256, which reveals no more than a token signed with them does.
   */
  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  private static String revision(Map<String, String> fileDigests, java.util.Collection<CompiledPackage> packages) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Each file's text is already hashed (to keep unchanged packages): its digest stands for it.
      for (Map.Entry<String, String> file : fileDigests.entrySet()) {
        sha.update(file.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(file.getValue().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      for (CompiledPackage p : packages) {
        if (p.identity() == null) continue;
        for (IssuerConfig issuer : p.identity().issuers()) {
          for (Object key : new Object[] {issuer.hmacSecret(), issuer.publicKeyPem(), issuer.jwks()}) {
            sha.update(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
