package dev.verdict.policy;

import java.util.List;
import java.util.Map;

/**
 * One package, compiled.
 *
 * @param decisionPath  where it answers on the Data API, e.g. {@code moltbot/http}
 * @param routes        allow and public routes
 * @param denyRoutes    {@code effect: deny} routes; any match overrides
 * @param identity      resolved identity settings, or {@code null} when every route is public
 * @param sourceDigest  SHA-256 of the rule file's text, so a reload can keep this package, object
 *                      and all, when its file did not change
 */
public record CompiledPackage(
    String name,
    String decisionPath,
    String file,
    IdentityConfig identity,
    Map<String, Object> data,
    int riskThreshold,
    List<Signal> signals,
    RouteMatcher routes,
    RouteMatcher denyRoutes,
    List<CompiledRoute> routeList,
    String sourceDigest) {

  public CompiledPackage {
    signals = List.copyOf(signals);
    routeList = List.copyOf(routeList);
  }
}
