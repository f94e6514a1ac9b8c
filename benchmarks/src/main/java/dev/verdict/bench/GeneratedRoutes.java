package dev.verdict.bench;

/**
 * Rule files with many routes, shaped like a large API: services × resources with an {@code {id}}
 * parameter and one of four methods, a {@code **} fallback per service, and a deny route in every
 * fifty. Deterministic: the same count gives the same text.
 */
final class GeneratedRoutes {

  static final String[] VERBS = {"GET", "POST", "PUT", "DELETE"};

  private GeneratedRoutes() {}

  /** Services needed for {@code routes} routes; request paths use it to hit existing services. */
  static int services(int routes) {
    return Math.max(1, routes / 100);
  }

  /** A package named {@code pkg} with {@code routes} routes and an HS256 secret from {@code ${env:S}}. */
  static String yaml(String pkg, int routes) {
    StringBuilder yaml = new StringBuilder("package: " + pkg
        + "\nidentity:\n  algorithms: [HS256]\n  secret: ${env:S}\nroutes:\n");
    int services = services(routes);
    for (int i = 0; i < routes; i++) {
      int svc = i % services;
      if (i % 50 == 49) {
        yaml.append("  - {id: deny-").append(i).append(", path: \"/api/svc").append(svc).append("/legacy").append(i)
            .append("/**\", effect: deny}\n");
      } else if (i < services) {
        yaml.append("  - {id: fallback-").append(svc).append(", path: \"/api/svc").append(svc)
            .append("/**\", methods: [GET], permission: read}\n");
      } else {
        yaml.append("  - {id: r").append(i).append(", path: \"/api/svc").append(svc).append("/res").append(i)
            .append("/{id}\", methods: [").append(VERBS[i % VERBS.length]).append("], permission: p").append(i % 7)
            .append("}\n");
      }
    }
    return yaml.toString();
  }
}
