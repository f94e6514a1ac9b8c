package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `when` must give true or false and a risk signal a number: when the expression's shape says
 * otherwise for every input, the rule file is refused at load. Where the type depends on the
 * input (a claim, a data value), the check stays at run time, where a wrong type denies.
 */
class ExpressionTypeTest {

  @TempDir
  Path dir;

  private List<String> problems(String signal, String when) throws Exception {
    RuleFiles.write(dir, "typed.yaml", """
        package: typed.http
        identity:
          algorithms: [HS256]
          secret: ${env:S}
        risk:
          signals:
            probe: "%s"
        routes:
          - id: r
            path: /r
            permission: p
            when: "%s"
        """.formatted(signal, when));
    try {
      RuleFiles.compile(dir);
      return List.of();
    } catch (dev.verdict.PolicyLoadException e) {
      return e.diagnostics().stream().map(d -> d.location().line() + ":" + d.code() + ": " + d.message()).toList();
    }
  }

  @ParameterizedTest(name = "when: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      1                           | gives a number, but must give true or false
      'yes'                       | gives a string, but must give true or false
      size(token.bots)            | gives a number, but must give true or false
      lower(userAgent)            | gives a string, but must give true or false
      cidr(ip, ['10.0.0.0/8']) ? 1 : 0 | gives a number, but must give true or false
      """)
  void whenThatCannotBeBoolean_isRefusedAtLoad(String when, String message) throws Exception {
    assertEquals(List.of("12:expression_type: `when` of route `r`: " + message), problems("0", when));
  }

  @ParameterizedTest(name = "signal: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ip == '10.0.0.1'            | gives true or false, but must give points (a number), e.g. `cond ? 30 : 0`
      cidr(ip, ['10.0.0.0/8'])    | gives true or false, but must give points (a number), e.g. `cond ? 30 : 0`
      'high'                      | gives a string, but must give points (a number), e.g. `cond ? 30 : 0`
      """)
  void signalThatCannotBeANumber_isRefusedAtLoad(String signal, String message) throws Exception {
    assertEquals(List.of("7:expression_type: signal `probe`: " + message), problems(signal, "true"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"token.admin", "token['flag'] ? true : false", "data.switch"})
  void whenWhoseTypeDependsOnTheInput_isLeftToRunTime(String when) throws Exception {
    assertEquals(List.of(), problems("token['risk']", when));
  }
}
