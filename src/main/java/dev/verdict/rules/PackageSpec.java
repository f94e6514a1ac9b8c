package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One rule file: one package.
 *
 * @param name     dotted package name; its decision path is the name with dots as slashes
 * @param baseDir  directory the file lives in; relative {@code file:} references resolve against it
 * @param data     the OPA-style data document, as immutable maps, lists and scalars
 * @param stepUp   step-up requirements of every allow route that has no {@code step_up} of its own
 */
public record PackageSpec(
    String file,
    Path baseDir,
    Located name,
    IdentitySpec identity,
    Map<String, Object> data,
    RiskSpec risk,
    List<StepUpSpec> stepUp,
    List<RouteSpec> routes) {

  public PackageSpec {
    stepUp = List.copyOf(stepUp);
    routes = List.copyOf(routes);
  }

  /** {@code moltbot.http} → {@code moltbot/http}: where the package answers on the Data API. */
  public String decisionPath() {
    return name.value().replace('.', '/');
  }

  public SourceLocation location() {
    return name.location();
  }
}
