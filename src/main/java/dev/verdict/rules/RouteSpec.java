package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.util.List;
import java.util.Set;

/**
 * One route of a package, as written.
 *
 * @param methods        upper-case methods; empty means every method
 * @param permissions    all required (from {@code permission} or {@code permissions})
 * @param when           extra MVEL condition, or {@code null}
 * @param riskThreshold  per-route threshold overriding the package's, or {@code null}
 * @param stepUp         the route's own step-up requirements, replacing the package's; {@code null}
 *                       when the route has no {@code step_up} key (and so inherits the package's)
 */
public record RouteSpec(
    Located id,
    SourceLocation location,
    Located path,
    Set<String> methods,
    List<String> permissions,
    Located when,
    Effect effect,
    boolean isPublic,
    Integer riskThreshold,
    List<StepUpSpec> stepUp) {

  public enum Effect { ALLOW, DENY }

  public RouteSpec {
    methods = Set.copyOf(methods);
    permissions = List.copyOf(permissions);
    stepUp = stepUp == null ? null : List.copyOf(stepUp);
  }
}
