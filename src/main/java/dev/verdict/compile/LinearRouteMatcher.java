package dev.verdict.compile;

import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import java.util.List;

/**
 * The reference matcher: try every route, keep the most specific. Deliberately simple so that
 * it can be trusted; tests prove {@link RouteTrie} agrees with it.
 */
final class LinearRouteMatcher implements RouteMatcher {

  private final List<CompiledRoute> routes;

  LinearRouteMatcher(List<CompiledRoute> routes) {
    this.routes = List.copyOf(routes);
  }

  @Override
  public RouteMatch match(String method, String[] path) {
    CompiledRoute best = null;
    for (CompiledRoute route : routes) {
      if (!route.allowsMethod(method) || !route.pattern().matches(path)) continue;
      if (best == null || route.pattern().compareSpecificity(best.pattern()) > 0) best = route;
    }
    return best == null ? null : new RouteMatch(best, best.pattern().params(path));
  }

  @Override
  public int size() {
    return routes.size();
  }
}
