package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Path matching, as DESIGN.md defines it: routes are filtered by method, then the most specific
 * pattern decides, compared segment by segment from the left (literal &gt; {@code {param}} &gt;
 * {@code *} &gt; {@code **}, and a pattern that ends exactly beats a {@code **}). Every case runs
 * against the indexed trie and the linear reference.
 */
class RouteMatcherTest {

  static Stream<Arguments> matchers() {
    return Stream.of(
        Arguments.of("trie", (Function<List<CompiledRoute>, RouteMatcher>) RouteMatchers::indexed),
        Arguments.of("reference", (Function<List<CompiledRoute>, RouteMatcher>) RouteMatchers::reference));
  }

  /** {@code "id pattern [METHOD...]"}, e.g. {@code "read /a/{p} GET HEAD"}. */
  static CompiledRoute route(String definition) {
    String[] parts = definition.trim().split("\\s+");
    List<Diagnostic> problems = new ArrayList<>();
    PathPattern pattern = PathPatterns.parse(new Located(parts[1], SourceLocation.of("test")), problems);
    assertEquals(List.of(), problems);
    return new CompiledRoute(parts[0], pattern, Set.of(Arrays.copyOfRange(parts, 2, parts.length)), List.of(), null,
        false, false, 80, List.of());
  }

  static RouteMatcher build(Function<List<CompiledRoute>, RouteMatcher> kind, String... definitions) {
    return kind.apply(Stream.of(definitions).map(RouteMatcherTest::route).toList());
  }

  static String[] path(String path) {
    return path.equals("/") ? new String[0] : path.substring(1).split("/");
  }

  static String idOf(RouteMatcher matcher, String method, String path) {
    RouteMatch match = matcher.match(method, path(path));
    return match == null ? null : match.route().id();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void specificityLadder_literalBeatsParamBeatsStarBeatsDoubleStar(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher all = build(kind, "rest /a/**", "star /a/*", "param /a/{p}", "literal /a/b");
    assertEquals("literal", idOf(all, "GET", "/a/b"));
    assertEquals("param", idOf(all, "GET", "/a/c"));
    assertEquals("rest", idOf(all, "GET", "/a/b/c"));

    RouteMatcher noLiteral = build(kind, "rest /a/**", "star /a/*", "param /a/{p}");
    assertEquals("param", idOf(noLiteral, "GET", "/a/b"));
    RouteMatcher noParam = build(kind, "rest /a/**", "star /a/*");
    assertEquals("star", idOf(noParam, "GET", "/a/b"));
    RouteMatcher onlyRest = build(kind, "rest /a/**");
    assertEquals("rest", idOf(onlyRest, "GET", "/a/b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void leftmostDifference_decides_evenWhenLaterSegmentsAreLessSpecific(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "param-first /{x}/b/c", "literal-first /a/*/*", "rest /a/**");
    assertEquals("literal-first", idOf(m, "GET", "/a/b/c"));
    RouteMatcher n = build(kind, "star-then-literal /*/b", "param-then-star /{x}/*");
    assertEquals("param-then-star", idOf(n, "GET", "/a/b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void exactEnd_beatsDoubleStar(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "rest /a/**", "exact /a", "param /a/{p}");
    assertEquals("exact", idOf(m, "GET", "/a"));
    assertEquals("param", idOf(m, "GET", "/a/b"));
    assertEquals("rest", idOf(m, "GET", "/a/b/c"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void doubleStar_matchesZeroOrMoreSegments_onlyUnderItsPrefix(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "rest /a/**");
    assertEquals("rest", idOf(m, "GET", "/a"));
    assertEquals("rest", idOf(m, "GET", "/a/b"));
    assertEquals("rest", idOf(m, "GET", "/a/b/c/d/e"));
    assertNull(idOf(m, "GET", "/"));
    assertNull(idOf(m, "GET", "/b"));
    assertNull(idOf(m, "GET", "/b/a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void rootPatterns_slashMatchesOnlyTheRoot_doubleStarMatchesEverything(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "root /", "everything /**");
    assertEquals("root", idOf(m, "GET", "/"));
    assertEquals("everything", idOf(m, "GET", "/a"));
    assertEquals("everything", idOf(m, "GET", "/a/b"));
    assertEquals("everything", idOf(build(kind, "everything /**"), "GET", "/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void methodFiltering_happensBeforeSpecificity(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "get-literal /a/b GET", "post-param /a/{p} POST", "any-rest /a/**");
    assertEquals("get-literal", idOf(m, "GET", "/a/b"));
    // The more specific GET-only route does not hide the less specific routes from a POST.
    assertEquals("post-param", idOf(m, "POST", "/a/b"));
    assertEquals("any-rest", idOf(m, "DELETE", "/a/b"));

    RouteMatcher deep = build(kind, "get-deep /a/b/c GET", "post-shallow /a/** POST");
    assertEquals("post-shallow", idOf(deep, "POST", "/a/b/c"));
    assertNull(idOf(deep, "PUT", "/a/b/c"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void sameShapeWithDisjointMethods_eachMethodFindsItsOwnRoute(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "read /bots/{botId} GET HEAD", "write /bots/{id} PUT DELETE");
    RouteMatch read = m.match("GET", path("/bots/b1"));
    RouteMatch write = m.match("DELETE", path("/bots/b1"));
    assertEquals("read", read.route().id());
    assertEquals(Map.of("botId", "b1"), read.params());
    assertEquals("write", write.route().id());
    assertEquals(Map.of("id", "b1"), write.params());
    assertNull(m.match("POST", path("/bots/b1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void params_areCapturedByName(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "message /bots/{botId}/messages/{messageId}", "star /bots/*", "rest /bots/**");
    RouteMatch match = m.match("GET", path("/bots/b-7/messages/m42"));
    assertEquals("message", match.route().id());
    assertEquals(Map.of("botId", "b-7", "messageId", "m42"), match.params());
    assertEquals(Map.of(), m.match("GET", path("/bots/b-7")).params());
    assertEquals(Map.of(), m.match("GET", path("/bots/b-7/x")).params());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void noMatchingRoute_isNull(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "a /a/{p}", "b /b GET");
    assertNull(idOf(m, "GET", "/a"));
    assertNull(idOf(m, "GET", "/a/b/c"));
    assertNull(idOf(m, "POST", "/b"));
    assertNull(idOf(m, "GET", "/c"));
    assertNull(idOf(build(kind), "GET", "/"));
    assertEquals(2, m.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void literalsWithEqualHashCodes_areToldApart(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    // "Aa" and "BB" have the same String.hashCode, and so do "AaAa", "AaBB", "BBAa" and "BBBB".
    assertEquals("Aa".hashCode(), "BB".hashCode());
    RouteMatcher m = build(kind, "aa /Aa", "bb /BB", "aabb /x/AaBB", "bbaa /x/BBAa", "nested /BB/Aa");
    assertEquals("aa", idOf(m, "GET", "/Aa"));
    assertEquals("bb", idOf(m, "GET", "/BB"));
    assertEquals("aabb", idOf(m, "GET", "/x/AaBB"));
    assertEquals("bbaa", idOf(m, "GET", "/x/BBAa"));
    assertEquals("nested", idOf(m, "GET", "/BB/Aa"));
    assertNull(idOf(m, "GET", "/x/AaAa"));
    assertNull(idOf(m, "GET", "/Aa/BB"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void literalsSharingAPrefix_matchOnlyWhole(String name, Function<List<CompiledRoute>, RouteMatcher> kind) {
    RouteMatcher m = build(kind, "ab /ab", "abc /abc", "abcd /abcd", "a /a");
    for (String id : List.of("a", "ab", "abc", "abcd")) assertEquals(id, idOf(m, "GET", "/" + id));
    assertNull(idOf(m, "GET", "/abd"));
    assertNull(idOf(m, "GET", "/abce"));
    assertNull(idOf(m, "GET", "/abcde"));
    assertNull(idOf(m, "GET", "/b"));
    assertNull(idOf(m, "GET", "/\u0161b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void moreDistinctMethodsThanABitmaskHolds_areStillFilteredExactly(String name,
      Function<List<CompiledRoute>, RouteMatcher> kind) {
    List<String> definitions = new ArrayList<>();
    StringBuilder all = new StringBuilder("all /all");
    for (int i = 0; i < 40; i++) {
      definitions.add("only-m" + i + " /m" + i + " M" + i);
      all.append(" M").append(i);
    }
    definitions.add(all.toString());
    definitions.add("get /all/{p} GET");
    RouteMatcher m = build(kind, definitions.toArray(String[]::new));
    for (int i = 0; i < 40; i++) {
      assertEquals("only-m" + i, idOf(m, "M" + i, "/m" + i));
      assertNull(idOf(m, "M" + (i + 1) % 40, "/m" + i));
      assertEquals("all", idOf(m, "M" + i, "/all"));
    }
    assertNull(idOf(m, "GET", "/all"));
    assertNull(idOf(m, "M40", "/all"));
    assertEquals("get", idOf(m, "GET", "/all/x"));
  }

  @Test
  void matchersOverTheSameRoutes_agreeOnEveryPathOfAnExhaustiveGrid() {
    List<CompiledRoute> routes = Stream.of("r1 /a/b GET", "r2 /a/{p} POST", "r3 /a/** GET", "r4 /*/b",
        "r5 /{x}/{y}/c PUT", "r6 /**", "r7 /c/*/**", "r8 /").map(RouteMatcherTest::route).toList();
    RouteMatcher trie = RouteMatchers.indexed(routes);
    RouteMatcher reference = RouteMatchers.reference(routes);
    List<String> alphabet = List.of("a", "b", "c", "d");
    List<String[]> paths = new ArrayList<>();
    paths.add(new String[0]);
    for (int depth = 1; depth <= 4; depth++) {
      List<String[]> next = new ArrayList<>();
      for (String[] p : paths) {
        if (p.length != depth - 1) continue;
        for (String s : alphabet) {
          String[] q = Arrays.copyOf(p, depth);
          q[depth - 1] = s;
          next.add(q);
        }
      }
      paths.addAll(next);
    }
    assertEquals(1 + 4 + 16 + 64 + 256, paths.size());
    for (String[] p : paths) {
      for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
        RouteMatch a = trie.match(method, p);
        RouteMatch b = reference.match(method, p);
        String where = method + " /" + String.join("/", p);
        // `/**` takes every method, so something always matches.
        assertTrue(a != null && b != null, where);
        assertEquals(b.route().id(), a.route().id(), where);
        assertEquals(b.params(), a.params(), where);
      }
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /a/**/b    | `**` must be the last segment in `/a/**/b`
      a/b        | path `a/b` must start with `/`
      /a//b      | path `/a//b` has an empty segment
      /a/        | path `/a/` has an empty segment (trailing `/`)
      /{p}/{p}   | parameter `p` appears twice in `/{p}/{p}`
      /{1p}      | parameter `{1p}` in `/{1p}` needs a name of letters, digits and `_`
      /a%2fb     | segment `a%2fb` in `/a%2fb` is not a plain path segment (wildcards are whole segments: `*`, `**`, `{name}`)
      /a/..      | segment `..` in `/a/..` is not a plain path segment (wildcards are whole segments: `*`, `**`, `{name}`)
      /a*        | segment `a*` in `/a*` is not a plain path segment (wildcards are whole segments: `*`, `**`, `{name}`)
      """)
  void malformedPattern_isInvalidPattern(String pattern, String message) {
    List<Diagnostic> problems = new ArrayList<>();
    SourceLocation at = new SourceLocation("shop.yaml", 7, 11);
    assertNull(PathPatterns.parse(new Located(pattern, at), problems));
    assertEquals(List.of(new Diagnostic(at, "invalid_pattern", message)), problems);
  }
}
