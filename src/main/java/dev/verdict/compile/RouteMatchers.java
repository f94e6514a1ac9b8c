package dev.verdict.compile;

import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.RouteMatcher;
import java.util.List;

/** Builds route matchers; the two implementations stay package-private. */
public final class RouteMatchers {

  private RouteMatchers() {}

  /** The indexed matcher used in production. */
  public static RouteMatcher indexed(List<CompiledRoute> routes) {
    return new RouteTrie(routes);
  }

  /** The linear reference matcher, for tests and differential checks. */
  public static RouteMatcher reference(List<CompiledRoute> routes) {
    return new LinearRouteMatcher(routes);
  }
}
