package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Diagnostic;
import dev.verdict.SourceLocation;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import dev.verdict.rules.Located;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The route trie is the clever matcher, the linear scan its reference (STYLE.md, habit 6): for any
 * route set the compiler accepts, any method and any path, both choose the same route and capture
 * the same parameters.
 *
 * <p>Patterns and paths share a tiny alphabet so that routes collide and compete often.
 */
class RouteMatcherProperties {

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");

  /** A pattern and its methods, before ids are given. */
  record RouteDef(String pattern, Set<String> methods) {
    @Override
    public String toString() {
      return pattern + (methods.isEmpty() ? "" : " " + methods);
    }
  }

  @Property(tries = 2000)
  void trieAndReference_chooseTheSameRoute_andCaptureTheSameParams(
      @ForAll("routeSets") List<RouteDef> definitions, @ForAll("methods") String method,
      @ForAll("paths") List<String> path) {
    List<CompiledRoute> routes = compile(definitions);
    String[] segments = path.toArray(String[]::new);
    RouteMatch indexed = RouteMatchers.indexed(routes).match(method, segments);
    RouteMatch reference = RouteMatchers.reference(routes).match(method, segments);
    if (reference == null) {
      assertNull(indexed, () -> "trie found " + indexed.route().id() + ", reference found nothing");
      return;
    }
    assertNotNull(indexed, () -> "reference found " + reference.route().id() + ", trie found nothing");
    assertEquals(reference.route().id(), indexed.route().id());
    assertEquals(reference.params(), indexed.params());
  }

  @Property(tries = 300)
  void trieAndReference_agreeOnEveryShortPath(@ForAll("routeSets") List<RouteDef> definitions) {
    List<CompiledRoute> routes = compile(definitions);
    RouteMatcher trie = RouteMatchers.indexed(routes);
    RouteMatcher reference = RouteMatchers.reference(routes);
    for (String[] path : allPaths(3)) {
      for (String method : METHODS) {
        RouteMatch a = trie.match(method, path);
        RouteMatch b = reference.match(method, path);
        String where = method + " /" + String.join("/", path);
        assertEquals(b == null ? null : b.route().id(), a == null ? null : a.route().id(), where);
        if (a != null) assertEquals(b.params(), a.params(), where);
      }
    }
  }

  /**
   * Large route sets, so that the trie's edge table holds many entries that share slots and
   * probe past each other; the alphabet mixes lengths and strings with equal hash codes.
   */
  @Property(tries = 200)
  void trieAndReference_agreeOnLargeRouteSets(@ForAll("largeRouteSets") List<RouteDef> definitions,
      @ForAll("methods") String method, @ForAll("wideAlphabetPaths") List<List<String>> paths) {
    List<CompiledRoute> routes = compile(definitions);
    RouteMatcher trie = RouteMatchers.indexed(routes);
    RouteMatcher reference = RouteMatchers.reference(routes);
    for (List<String> path : paths) {
      String[] segments = path.toArray(String[]::new);
      RouteMatch a = trie.match(method, segments);
      RouteMatch b = reference.match(method, segments);
      String where = method + " /" + String.join("/", path);
      assertEquals(b == null ? null : b.route().id(), a == null ? null : a.route().id(), where);
      if (a != null) assertEquals(b.params(), a.params(), where);
    }
  }

  /** The reference is only a reference if it is right: it finds a route exactly when one applies. */
  @Property(tries = 1000)
  void reference_findsARouteExactlyWhenSomeRouteAllowsTheMethodAndMatchesThePath(
      @ForAll("routeSets") List<RouteDef> definitions, @ForAll("methods") String method,
      @ForAll("paths") List<String> path) {
    List<CompiledRoute> routes = compile(definitions);
    String[] segments = path.toArray(String[]::new);
    boolean applies = routes.stream().anyMatch(r -> r.allowsMethod(method) && r.pattern().matches(segments));
    RouteMatch match = RouteMatchers.reference(routes).match(method, segments);
    assertEquals(applies, match != null);
    if (match != null) {
      assertTrue(match.route().allowsMethod(method) && match.route().pattern().matches(segments));
      for (CompiledRoute other : routes) {
        if (other.allowsMethod(method) && other.pattern().matches(segments)) {
          assertTrue(match.route().pattern().compareSpecificity(other.pattern()) >= 0,
              () -> other.id() + " is more specific than " + match.route().id());
        }
      }
    }
  }

  // ---- generators -------------------------------------------------------------------------------

  @Provide
  Arbitrary<List<RouteDef>> routeSets() {
    // Two parameter spellings, so that routes of the same shape may capture under different names.
    Arbitrary<List<String>> body = Arbitraries.of("a", "b", "c", "{p}", "{q}", "*").list().ofMaxSize(3);
    Arbitrary<Boolean> trailingDoubleStar = Arbitraries.of(true, false);
    Arbitrary<Set<String>> methods = Arbitraries.of("GET", "POST", "PUT").set().ofMaxSize(2);
    Arbitrary<RouteDef> route = Combinators.combine(body, trailingDoubleStar, methods)
        .as((segments, rest, ms) -> new RouteDef(pattern(segments, rest), ms));
    return route.list().ofMinSize(1).ofMaxSize(8).map(RouteMatcherProperties::withoutConflicts);
  }

  // "Aa"/"BB" and "AaAa"/"BBBB"/"AaBB" collide in String.hashCode; the rest vary the length.
  private static final List<String> WIDE_ALPHABET = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "x", "xy", "xyz",
      "s1", "s2", "s3", "s10", "s11", "res12345", "res12346", "a-very-long-segment-name");

  @Provide
  Arbitrary<List<RouteDef>> largeRouteSets() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(WIDE_ALPHABET), Arbitraries.of("{p}", "*"));
    Arbitrary<List<String>> body = segment.list().ofMaxSize(4);
    Arbitrary<Boolean> trailingDoubleStar = Arbitraries.of(true, false);
    Arbitrary<Set<String>> methods = Arbitraries.of("GET", "POST", "PUT").set().ofMaxSize(2);
    Arbitrary<RouteDef> route = Combinators.combine(body, trailingDoubleStar, methods)
        .as((segments, rest, ms) -> new RouteDef(pattern(segments, rest), ms));
    return route.list().ofMinSize(50).ofMaxSize(400).map(RouteMatcherProperties::withoutConflicts);
  }

  @Provide
  Arbitrary<List<List<String>>> wideAlphabetPaths() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(WIDE_ALPHABET), Arbitraries.of("BBAa", "s", "res1234"));
    return segment.list().ofMaxSize(5).list().ofSize(50);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of(METHODS);
  }

  @Provide
  Arbitrary<List<String>> paths() {
    return Arbitraries.of("a", "b", "c", "d").list().ofMaxSize(4);
  }

  /** Parameter names get their position appended, so a pattern never repeats one. */
  private static String pattern(List<String> segments, boolean trailingDoubleStar) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      sb.append('/').append(s.startsWith("{") ? "{" + s.charAt(1) + i + "}" : s);
    }
    if (trailingDoubleStar) sb.append("/**");
    return sb.length() == 0 ? "/" : sb.toString();
  }

  /**
   * Drops each route whose shape an earlier route already has with an overlapping method set:
   * the compiler refuses such sets ({@code duplicate_route}), so the matchers never see them.
   */
  private static List<RouteDef> withoutConflicts(List<RouteDef> routes) {
    Map<String, List<Set<String>>> methodsByShape = new HashMap<>();
    List<RouteDef> kept = new ArrayList<>();
    for (RouteDef r : routes) {
      String shape = parse(r.pattern()).shape();
      List<Set<String>> taken = methodsByShape.computeIfAbsent(shape, k -> new ArrayList<>());
      if (taken.stream().anyMatch(t -> overlap(t, r.methods()))) continue;
      taken.add(r.methods());
      kept.add(r);
    }
    return kept;
  }

  private static boolean overlap(Set<String> a, Set<String> b) {
    return a.isEmpty() || b.isEmpty() || a.stream().anyMatch(b::contains);
  }

  private static List<CompiledRoute> compile(List<RouteDef> definitions) {
    List<CompiledRoute> routes = new ArrayList<>();
    for (int i = 0; i < definitions.size(); i++) {
      RouteDef d = definitions.get(i);
      routes.add(new CompiledRoute("r" + i, parse(d.pattern()), d.methods(), List.of(), null, false, false, 80, List.of()));
    }
    return routes;
  }

  private static PathPattern parse(String pattern) {
    List<Diagnostic> problems = new ArrayList<>();
    PathPattern parsed = PathPatterns.parse(new Located(pattern, SourceLocation.of("generated")), problems);
    assertEquals(List.of(), problems, pattern);
    return parsed;
  }

  private static List<String[]> allPaths(int maxDepth) {
    List<String[]> paths = new ArrayList<>();
    List<String[]> frontier = List.<String[]>of(new String[0]);
    paths.addAll(frontier);
    for (int depth = 1; depth <= maxDepth; depth++) {
      List<String[]> next = new ArrayList<>();
      for (String[] p : frontier) {
        for (String s : List.of("a", "b", "c", "d")) {
          String[] q = java.util.Arrays.copyOf(p, depth);
          q[depth - 1] = s;
          next.add(q);
        }
      }
      paths.addAll(next);
      frontier = next;
    }
    return paths;
  }
}
