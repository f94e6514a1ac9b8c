package dev.verdict.policy;

import java.util.List;
import java.util.Set;

/**
 * One route, ready to decide with.
 *
 * @param methods        upper-case methods; empty matches every method
 * @param permissions    all required
 * @param when           extra condition, or {@code null}
 * @param riskThreshold  the effective threshold: the route's own, else the package's
 * @param stepUp         requirements that must all hold for an allow: the route's own, else the
 *                       package's; in rule-file order
 */
public record CompiledRoute(
    String id,
    PathPattern pattern,
    Set<String> methods,
    List<String> permissions,
    Expression when,
    boolean deny,
    boolean isPublic,
    int riskThreshold,
    List<StepUpRequirement> stepUp) {

  public CompiledRoute {
    methods = Set.copyOf(methods);
    permissions = List.copyOf(permissions);
    stepUp = List.copyOf(stepUp);
  }

  public boolean allowsMethod(String method) {
    return methods.isEmpty() || methods.contains(method);
  }
}
