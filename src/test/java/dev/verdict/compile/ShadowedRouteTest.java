package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.verdict.PolicyLoadException;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Allow routes that a deny route overrides everywhere are refused at load time; partly covered ones load. */
class ShadowedRouteTest {

  @TempDir
  Path dir;

  private String rules(String allowPath, String allowMethods, String denyPath, String denyMethods) {
    return """
        package: shop.http
        identity:
          algorithms: [HS256]
          secret: ${env:S}
        routes:
          - id: open
            path: %s%s
            permission: p
          - id: closed
            path: %s%s
            effect: deny
        """.formatted(allowPath, methods(allowMethods), denyPath, methods(denyMethods));
  }

  private static String methods(String m) {
    return m == null || m.isBlank() ? "" : "\n    methods: [" + m.replace(' ', ',') + "]";
  }

  @ParameterizedTest(name = "{0} {1} under deny {2} {3}")
  @CsvSource(delimiter = '|', textBlock = """
      /a/b        |          | /a/**       |
      /a/{id}     | GET      | /a/*        | GET POST
      /a/b/**     | GET      | /a/**       |
      /a/b/c      |          | /a/{y}/c    |
      /a          | POST     | /**         | POST
      """)
  void allowRouteCoveredByADeny_isUnreachable(String allow, String allowMethods, String deny, String denyMethods)
      throws Exception {
    RuleFiles.write(dir, "shop.yaml", rules(allow, allowMethods, deny, denyMethods));
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> RuleFiles.compile(dir));
    assertEquals(List.of("unreachable_route"), e.diagnostics().stream().map(d -> d.code()).toList());
    assertEquals(6, e.diagnostics().get(0).location().line());
  }

  @ParameterizedTest(name = "{0} {1} beside deny {2} {3}")
  @CsvSource(delimiter = '|', textBlock = """
      /a/**       |          | /a/b/**     |
      /a/{id}     |          | /a/*        | GET
      /a/{id}     | GET POST | /a/*        | GET
      /a/b        |          | /a/c        |
      /a/**       |          | /a/*        |
      /a/*        |          | /a/b        |
      /a          |          | /b/**       |
      """)
  void allowRouteOnlyPartlyCovered_loads(String allow, String allowMethods, String deny, String denyMethods)
      throws Exception {
    RuleFiles.write(dir, "shop.yaml", rules(allow, allowMethods, deny, denyMethods));
    RuleFiles.compile(dir);
  }
}
