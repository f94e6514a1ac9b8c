package dev.verdict.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.Diagnostic;
import dev.verdict.compile.PathPatterns;
import dev.verdict.compile.RouteMatchers;
import dev.verdict.eval.NormalizedPath;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import dev.verdict.rules.Located;
import dev.verdict.SourceLocation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The embedded handler must never decide on a different route than the one the service then
 * dispatches to. For generated route sets registered in a vertx-web {@link Router} in Verdict's
 * specificity order (vertx-web takes the first matching route), a real HTTP request must reach
 * exactly the route the PDP picked. Paths the PDP refuses as ambiguous never reach the router.
 */
class VertxRouterDifferentialProperties {

  private static final String[] SEGMENTS = {"a", "b", "c"};
  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST);

  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClient client;
  private static final AtomicReference<Router> current = new AtomicReference<>();

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> current.get().handle(req)).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterContainer
  static void stop() {
    vertx.close().await();
  }

  record RouteDef(String id, String pattern, Set<String> methods) {}

  @Provide
  Arbitrary<List<RouteDef>> routeSets() {
    Arbitrary<String> segment = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of(SEGMENTS)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just("{p}")),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("*")));
    Arbitrary<String> pattern = Combinators.combine(segment.list().ofMaxSize(3), Arbitraries.of(true, false, false))
        .as((segs, doubleStar) -> {
          List<String> all = new ArrayList<>();
          int param = 0;
          for (String s : segs) all.add(s.equals("{p}") ? "{p" + (param++) + "}" : s);
          if (doubleStar) all.add("**");
          return "/" + String.join("/", all);
        });
    Arbitrary<Set<String>> methods = Arbitraries.of(Set.of("GET"), Set.of("POST"), Set.of());
    return Combinators.combine(pattern, methods).as((p, m) -> new RouteDef("", p, m)).list().ofMinSize(1).ofMaxSize(8)
        .map(VertxRouterDifferentialProperties::dropOverlaps);
  }

  /** The compiler refuses two routes with the same shape and overlapping methods; so does the generator. */
  private static List<RouteDef> dropOverlaps(List<RouteDef> defs) {
    List<RouteDef> kept = new ArrayList<>();
    List<String[]> seen = new ArrayList<>();
    for (RouteDef d : defs) {
      String shape = parse(d.pattern).shape();
      boolean clash = false;
      for (int i = 0; i < kept.size(); i++) {
        RouteDef k = kept.get(i);
        if (seen.get(i)[0].equals(shape) && (k.methods.isEmpty() || d.methods.isEmpty()
            || k.methods.stream().anyMatch(d.methods::contains))) clash = true;
      }
      if (!clash) {
        kept.add(new RouteDef("r" + kept.size(), d.pattern, d.methods));
        seen.add(new String[] {shape});
      }
    }
    return kept;
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.of("a", "b", "c", "x", "A", "%61", "%62", "", ".", "..", "a.b", "~a", "a-b");
    return Combinators.combine(segment.list().ofMaxSize(4), Arbitraries.of("", "/", "?q=/a", "//"))
        .as((segs, tail) -> "/" + String.join("/", segs) + (tail.equals("//") && segs.isEmpty() ? "" : tail));
  }

  @Property(tries = 1000)
  void routeThePdpPicks_isTheRouteVertxWebDispatchesTo(@ForAll("routeSets") List<RouteDef> defs,
                                                     @ForAll("paths") String path, @ForAll("methods") HttpMethod method) {
    List<CompiledRoute> routes = defs.stream().map(d -> new CompiledRoute(d.id, parse(d.pattern), d.methods, List.of("p"),
        null, false, false, 80, List.of())).toList();
    RouteMatcher pdp = RouteMatchers.indexed(routes);
    NormalizedPath normalized = NormalizedPath.of(path);
    if (normalized == null) return; // refused with 400 before any route is chosen
    RouteMatch match = pdp.match(method.name(), normalized.segments());
    String expected = match == null ? "none" : match.route().id();

    Router router = Router.router(vertx);
    List<CompiledRoute> bySpecificity = new ArrayList<>(routes);
    bySpecificity.sort(Comparator.comparing((CompiledRoute r) -> r.pattern(), (x, y) -> y.compareSpecificity(x)));
    for (CompiledRoute r : bySpecificity) {
      Route route = router.route(vertxPath(r.pattern()));
      for (String m : r.methods()) route.method(HttpMethod.valueOf(m));
      String id = r.id();
      route.handler(ctx -> ctx.response().end(id));
    }
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404).end("none"));
    current.set(router);
    String routed = client.request(new RequestOptions().setMethod(method).setPort(server.actualPort())
            .setHost("127.0.0.1").setURI(path))
        .compose(req -> req.send().compose(HttpClientResponse::body)).map(Buffer::toString).await();
    if (routed.startsWith("Method")) routed = "none"; // vertx-web's 405: the path matched, the method did not
    if (match != null && vertxNeedsASegmentAfterParam(match.route().pattern(), normalized.segments().length)) {
      // Known difference (rules/README.md): once a vertx-web path has a parameter, its trailing `/*`
      // needs at least one more segment (`/:p/*` does not match `/a`, `/a/*` does). Verdict's `**`
      // always matches zero or more, so Verdict decides a path the service then 404s: safe.
      return;
    }
    assertEquals(expected, routed, () -> method + " " + path + " normalised " + normalized.path() + " over " + defs);
  }

  private static boolean vertxNeedsASegmentAfterParam(PathPattern pattern, int pathLength) {
    List<PathPattern.Segment> segs = pattern.segments();
    int n = segs.size();
    boolean hasParam = segs.stream().anyMatch(x -> x.kind() == PathPattern.Kind.PARAM || x.kind() == PathPattern.Kind.STAR);
    return pattern.endsWithDoubleStar() && hasParam && pathLength == n - 1;
  }

  @Provide
  Arbitrary<HttpMethod> methods() {
    return Arbitraries.of(METHODS);
  }

  private static String vertxPath(PathPattern pattern) {
    StringBuilder sb = new StringBuilder();
    int anonymous = 0;
    for (PathPattern.Segment s : pattern.segments()) {
      switch (s.kind()) {
        case LITERAL -> sb.append('/').append(s.value());
        case PARAM -> sb.append("/:").append(s.value());
        case STAR -> sb.append("/:star").append(anonymous++);
        case DOUBLE_STAR -> sb.append("/*");
      }
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  private static PathPattern parse(String pattern) {
    List<Diagnostic> problems = new ArrayList<>();
    PathPattern p = PathPatterns.parse(new Located(pattern, SourceLocation.of("generated")), problems);
    if (p == null) throw new IllegalArgumentException(pattern + ": " + problems);
    return p;
  }
}
