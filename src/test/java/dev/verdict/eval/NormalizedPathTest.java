package dev.verdict.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request path is reduced to the segments routes match against, or refused ({@code null}) when
 * the service behind could read it differently: encoded separators, encoded dots, NUL and control
 * characters, {@code ;} parameters, backslashes, broken escapes, climbing above the root.
 */
class NormalizedPathTest {

  static Stream<Arguments> table() {
    return Stream.of(
        accepted("/a/b", "a", "b"),
        accepted("/a//b", "a", "b"),
        accepted("/a/./b", "a", "b"),
        accepted("/a/b/../c", "a", "c"),
        accepted("/%61", "a"),
        accepted("/a?x=/admin", "a"),
        accepted("/a#/admin", "a"),
        accepted("/a/", "a"),
        accepted("/"),
        accepted("//"),
        accepted("/a/b/../../c", "c"),
        accepted("/caf%C3%A9", "caf%C3%A9"),
        accepted("/a%7eb%2D%5f", "a~b-_"),
        refused("/.."),
        refused("/a/../.."),
        refused("/a/%2e%2e/b"),
        refused("/a/%2E/b"),
        refused("/a%2Fb"),
        refused("/a%2fb"),
        refused("/a%5cb"),
        refused("/a%00"),
        refused("/a%0a"),
        refused("/a;b"),
        refused("/a;jsessionid=1/b"),
        refused("/a\\b"),
        refused("/a\tb"),
        refused("/a%zz"),
        refused("/a%4"),
        refused("/a%"),
        refused("relative"),
        refused(""),
        refused("?x=/a"),
        refused("/" + "a".repeat(4999)));
  }

  private static Arguments accepted(String raw, String... segments) {
    return Arguments.of(raw, List.of(segments));
  }

  private static Arguments refused(String raw) {
    return Arguments.of(raw, null);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("table")
  void rawPath_normalisesToSegments_orIsRefused(String raw, List<String> expected) {
    NormalizedPath normalized = NormalizedPath.of(raw);
    if (expected == null) {
      assertNull(normalized, () -> "expected refusal, got " + Arrays.toString(normalized.segments()));
    } else {
      assertNotNull(normalized, "refused");
      assertEquals(expected, List.of(normalized.segments()));
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/a/b, /a/b",
      "/a//b, /a/b",
      "/a/./b/../c, /a/c",
      "/a/, /a",
      "/a?x=1, /a",
      "/%61/b, /a/b",
      "/, /",
      "/a/.., /",
  })
  void normalisedPath_isWhatExpressionsSee(String raw, String path) {
    assertEquals(path, NormalizedPath.of(raw).path());
  }

  @Test
  void pathOfExactlyTheLimit_isAccepted_oneMoreIsRefused() {
    String atLimit = "/" + "a".repeat(4095);
    assertEquals(List.of("a".repeat(4095)), List.of(NormalizedPath.of(atLimit).segments()));
    assertNull(NormalizedPath.of(atLimit + "a"));
  }

  @Test
  void queryString_doesNotCountTowardsTheLimit() {
    assertEquals(List.of("a"), List.of(NormalizedPath.of("/a?" + "q".repeat(8000)).segments()));
  }
}
