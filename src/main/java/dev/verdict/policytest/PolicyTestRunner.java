package dev.verdict.policytest;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.TokenVerifier;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.rules.PolicyTestSuite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** Decides every case of every suite and compares the decisions with the expectations. */
public final class PolicyTestRunner {

  private PolicyTestRunner() {}

  /**
   * The environment for compiling rules under test: real values where set, otherwise a random
   * 64-byte placeholder, because tests sign with their own keys and need no production secret.
   */
  public static Function<String, String> testEnvironment(Function<String, String> real) {
    byte[] bytes = new byte[64];
    new SecureRandom().nextBytes(bytes);
    String placeholder = HexFormat.of().formatHex(bytes);
    return name -> {
      String v = real.apply(name);
      return v == null || v.isEmpty() ? placeholder : v;
    };
  }

  /**
   * Runs the suites. A suite naming no package uses the policy's only package. Problems that stop
   * a whole suite (an unknown package, a key that cannot be generated) fail each of its cases.
   *
   * @param nowSeconds the time of cases that set no {@code now} of their own
   */
  public static Future<PolicyTestReport> run(Vertx vertx, CompiledPolicy policy, List<PolicyTestSuite> suites,
                                             long nowSeconds) {
    Map<CompiledPackage, TestSigner> signers = new HashMap<>();
    // One PDP and one verifier per time cases are decided at: each judges `exp` and `now` by that time.
    Map<Long, Verdict> pdps = new HashMap<>();
    Map<CompiledPackage, Map<Long, TokenVerifier>> verifiers = new HashMap<>();
    Map<String, Set<String>> decidedBy = new HashMap<>();
    List<Future<PolicyTestReport.CaseResult>> results = new ArrayList<>();
    for (PolicyTestSuite suite : suites) {
      CompiledPackage pkg = packageFor(policy, suite);
      String suiteProblem = pkg == null ? "no package " + (suite.packageName() == null
          ? "given, and the policy has " + policy.packages().size() : "`" + suite.packageName().value() + "`") : null;
      if (pkg != null && pkg.identity() != null && !signers.containsKey(pkg)) {
        try {
          signers.put(pkg, TestSigner.create(vertx, pkg.identity()));
        } catch (GeneralSecurityException | RuntimeException e) {
          suiteProblem = "cannot make a test key for `" + pkg.identity().algorithms() + "`: " + e.getMessage();
        }
      }
      for (PolicyTestSuite.Case c : suite.cases()) {
        if (suiteProblem != null) {
          results.add(Future.succeededFuture(new PolicyTestReport.CaseResult(suite, c, null, List.of(suiteProblem))));
          continue;
        }
        CompiledPackage p = pkg;
        long now = c.now() != null ? c.now() : nowSeconds;
        TestSigner signer = signers.get(p);
        Request request = request(c, signer, p, now);
        Future<Identity> identity = signer == null ? Future.succeededFuture(Identity.anonymous())
            : verifiers.computeIfAbsent(p, k -> new HashMap<>()).computeIfAbsent(now, t -> TokenVerifier.create(vertx,
                signer.config(), TokenVerifier.Options.defaults().withClock(() -> t))).verify(request);
        Verdict pdp = pdps.computeIfAbsent(now, t -> Verdict.of(policy, Clock.fixed(Instant.ofEpochSecond(t), ZoneOffset.UTC)));
        results.add(identity.map(id -> {
          Decision d = pdp.decide(policy, p, request, id);
          if (d.rule() != null) decidedBy.computeIfAbsent(p.name(), k -> new HashSet<>()).add(d.rule());
          return new PolicyTestReport.CaseResult(suite, c, d, mismatches(c.expect(), d));
        }));
      }
    }
    return Future.all(results).map(all -> {
      List<PolicyTestReport.CaseResult> done = new ArrayList<>();
      for (Future<PolicyTestReport.CaseResult> f : results) done.add(f.result());
      Map<String, List<CompiledRoute>> uncovered = new LinkedHashMap<>();
      for (CompiledPackage p : policy.packages()) {
        Set<String> hit = decidedBy.getOrDefault(p.name(), Set.of());
        List<CompiledRoute> missing = p.routeList().stream().filter(r -> !hit.contains(r.id())).toList();
        if (!missing.isEmpty()) uncovered.put(p.name(), missing);
      }
      return new PolicyTestReport(done, uncovered);
    });
  }

  private static CompiledPackage packageFor(CompiledPolicy policy, PolicyTestSuite suite) {
    if (suite.packageName() != null) return policy.packageNamed(suite.packageName().value());
    return policy.packages().size() == 1 ? policy.packages().iterator().next() : null;
  }

  private static Request request(PolicyTestSuite.Case c, TestSigner signer, CompiledPackage pkg, long now) {
    Map<String, String> headers = new HashMap<>(c.headers());
    String token = c.rawToken();
    if (token == null && c.claims() != null && signer != null) {
      JsonObject claims = new JsonObject(new LinkedHashMap<>(c.claims()));
      c.timeClaims().forEach((name, offset) -> claims.put(name, now + offset));
      token = signer.sign(claims, now);
    }
    if (token != null && pkg.identity() != null) {
      String source = pkg.identity().tokens().get(0);
      if (source.equals("bearer")) {
        headers.put("authorization", "Bearer " + token);
      } else {
        String cookie = source.substring("cookie:".length()) + "=" + token;
        headers.merge("cookie", cookie, (a, b) -> a + "; " + b);
      }
    }
    return new Request(c.method(), c.path(), headers, c.ip());
  }

  private static List<String> mismatches(PolicyTestSuite.Expect e, Decision d) {
    List<String> out = new ArrayList<>();
    if (e.allow() != null && e.allow() != d.allow()) out.add(diff("allow", e.allow(), d.allow()));
    if (e.status() != null && e.status() != d.status()) out.add(diff("status", e.status(), d.status()));
    if (e.error() != null && !e.error().equals(d.error())) out.add(diff("error", e.error(), d.error()));
    if (e.ruleSet() && !Objects.equals(e.rule(), d.rule())) out.add(diff("rule", e.rule(), d.rule()));
    if (e.stepUp() != null && !Set.copyOf(e.stepUp()).equals(Set.copyOf(d.stepUp()))) {
      out.add(diff("step_up", e.stepUp(), d.stepUp()));
    }
    if (e.score() != null) {
      Integer got = d.risk() == null ? null : d.risk().score();
      if (!e.score().equals(got)) out.add(diff("score", e.score(), got));
    }
    return out;
  }

  private static String diff(String field, Object expected, Object got) {
    return field + ": expected `" + expected + "`, got `" + got + "`";
  }
}
