package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which claims a step-up requirement names: a missing one makes it unmet instead of an error. */
class ClaimReferencesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
      now - token.auth_time <= 900                         => auth_time
      inList('mfa', token.amr) && token.?acr == 'loa3'     => amr acr
      token['acr'] == 'x' || token["amr"] contains 'mfa'   => acr amr
      token.auth_time > 0 && token.auth_time < now         => auth_time
      token.org.level >= 2                                 => org
      token[params.claim] == true                          =>
      data.token.x == 1 || user.token == 'token.amr'       =>
      'token.amr' == token.sub                             => sub
      """)
  void namedTopLevelClaims_areFound_inOrder_andOnlyThose(String expression, String claims) {
    List<String> expected = claims == null ? List.of() : List.of(claims.split(" "));
    assertEquals(expected, List.copyOf(ClaimReferences.in(expression)));
  }
}
