package dev.verdict.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.testing.RuleFiles;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Path-matcher bypasses of the kinds published for web frameworks, proxies and policy engines,
 * aimed at the Moltbot policy's admin routes and its denied v0 API by a caller who may only read
 * bots (whose `/api/bots/**` route is the broad allow an attacker would try to fall into). Each
 * must be refused as ambiguous (400) or decided on the path the service will route (403), and
 * never allowed.
 */
class PathBypassTest {

  private static CompiledPackage moltbot;
  private static final Identity READER = Identity.verified("mallory", Set.of("bots:read"), Map.of("sub", "mallory"));

  @BeforeAll
  static void load() throws Exception {
    moltbot = RuleFiles.compile(RuleFiles.MOLTBOT_RULES).packageNamed("moltbot.http");
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(delimiter = '|', textBlock = """
      /api/bots/../admin/users           | dot-dot segment climbing out of an allowed prefix          | FORBIDDEN
      /api/bots/%2e%2e/admin/users       | encoded dot segment (Tomcat, Spring, Envoy advisories)     | BAD_REQUEST
      /api/bots/%2E%2E/admin/users       | encoded dot segment, upper case                            | BAD_REQUEST
      /api/bots/.%2e/admin/users         | half-encoded dot segment                                   | BAD_REQUEST
      /api/bots/%252e%252e/admin/users   | double-encoded dot segment (Shiro-style)                   | BAD_REQUEST
      /api/bots%2F..%2Fadmin/users       | encoded slash (Envoy escaped-slash advisories)             | BAD_REQUEST
      /api/bots%2fx/../../admin/users    | encoded slash, lower case                                  | BAD_REQUEST
      /api/bots/%252F/admin/users        | double-encoded slash                                       | BAD_REQUEST
      /api/bots\\..\\admin/users         | backslash as separator (IIS, Windows-backed proxies)       | BAD_REQUEST
      /api/bots/%5c..%5cadmin/users      | encoded backslash                                          | BAD_REQUEST
      /api/bots/..;/admin/users          | path parameter on a dot segment (Tomcat ..;/)              | BAD_REQUEST
      /api/bots;x=1/../admin/users       | path parameter (Shiro /;/ style)                           | BAD_REQUEST
      /api/bots/%3b/../admin/users       | encoded path parameter separator                           | BAD_REQUEST
      /api/bots/%00/../admin/users       | encoded NUL truncation                                     | BAD_REQUEST
      /api/bots/%0a/../admin/users       | encoded newline (regex matchers without DOTALL)            | BAD_REQUEST
      /api/bots/%c0%ae%c0%ae/admin/users | overlong UTF-8 dots                                        | BAD_REQUEST
      /api/bots/%c0%af/admin/users       | overlong UTF-8 slash                                       | BAD_REQUEST
      /api/bots/%e0%80%ae/admin/users    | three-byte overlong dot                                    | BAD_REQUEST
      /api/bots/%zz/admin/users          | invalid percent escape                                     | BAD_REQUEST
      /api/bots/%2/admin/users           | truncated percent escape                                   | BAD_REQUEST
      /%\u0666\u0668ealth                   | Arabic-Indic digits `%٦٨` decoded as `h`, to a public route | BAD_REQUEST
      /api/%\uFF16\uFF11dmin/users           | fullwidth digits `%６１` decoded as `a`                     | BAD_REQUEST
      /api/%6\uFF11dmin/users                | one fullwidth digit                                        | BAD_REQUEST
      //api/admin/users                  | leading double slash                                       | FORBIDDEN
      /api//admin/users                  | inner double slash                                         | FORBIDDEN
      /api/./admin/users                 | current-directory segment                                  | FORBIDDEN
      /api/admin/users/.                 | trailing dot segment                                       | FORBIDDEN
      /api/admin/users/                  | trailing slash                                             | FORBIDDEN
      /api/admin/users?/api/bots/x       | query string pretending to be the path                     | FORBIDDEN
      /api/admin/users#/api/bots/x       | fragment pretending to be the path                         | FORBIDDEN
      /api/%61dmin/users                 | encoded unreserved letter, decoded like vertx-web does     | FORBIDDEN
      /api/v0/bots                       | the denied legacy API itself                               | FORBIDDEN
      /api/bots/../v0/bots               | dot-dot into a denied prefix                               | FORBIDDEN
      /api//v0//bots                     | double slashes into a denied prefix                        | FORBIDDEN
      /api/%76%30/bots                   | encoded letters into a denied prefix                       | FORBIDDEN
      /api/bots/../../../../api/admin    | climbing above the root                                    | BAD_REQUEST
      /api/admin/debug/../debug/heap     | dot-dot inside a denied subtree                            | FORBIDDEN
      api/admin/users                    | relative path                                              | BAD_REQUEST
      /api/admin//../bots/b1             | `..` removing an empty segment (RFC 3986 vs collapsing `//`) | BAD_REQUEST
      /api/v0//../bots/b1                | the same, around a deny rule                               | BAD_REQUEST
      /api//admin/../bots/b1             | empty segment earlier in the path                          | BAD_REQUEST
      /api/admin/x//y/../../bots/b1      | empty segment deeper, two `..`                             | BAD_REQUEST
      """)
  void bypassAttempt_isNeverAllowed(String path, String advisoryClass, Outcome expected) {
    Decision d = Evaluator.decide(moltbot, new Request("GET", path, Map.of("user-agent", "Mozilla/5.0"), "10.0.0.1"),
        READER, 0L, "test", "rev");
    assertFalse(d.allow(), () -> advisoryClass + " allowed " + path + ": " + d);
    assertEquals(expected, d.outcome(), () -> advisoryClass + ": " + d);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      /api/bots/caf%C3%A9          | well-formed UTF-8 escapes stay a plain segment
      /api/bots/%E2%9C%93/x        | three-byte UTF-8
      /api/bots/b%20space          | encoded space
      /api/bots/b1?debug=../../x   | anything in the query
      """)
  void unusualButUnambiguousPaths_areDecidedNormally(String path, String why) {
    Decision d = Evaluator.decide(moltbot, new Request("GET", path, Map.of("user-agent", "Mozilla/5.0"), "10.0.0.1"),
        READER, 0L, "test", "rev");
    assertEquals(Outcome.ALLOW, d.outcome(), () -> why + ": " + d);
    assertEquals("read-bots", d.rule());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/api/bots/%C3, lone lead byte", "/api/bots/%A9, lone continuation byte", "/api/bots/%FF%FE, never valid in UTF-8"})
  void malformedUtf8_isABadRequest(String path, String why) {
    Decision d = Evaluator.decide(moltbot, Request.of("GET", path), READER, 0L, "test", "rev");
    assertEquals(Outcome.BAD_REQUEST, d.outcome(), why);
  }

}
