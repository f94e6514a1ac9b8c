package dev.verdict.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler's view of request headers reads the same by lookup and by iteration. */
class HeadersViewTest {

  @Test
  void repeatedHeaders_areCombined_whetherLookedUpOrIterated() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer a").add("authorization", "Bearer b")
        .add("Cookie", "x=1").add("cookie", "y=2")
        .add("User-Agent", "curl/8");
    HeadersView view = new HeadersView(headers);
    assertEquals("Bearer a, Bearer b", view.get("authorization"));
    assertEquals("x=1; y=2", view.get("cookie"));
    assertEquals(Map.of("authorization", "Bearer a, Bearer b", "cookie", "x=1; y=2", "user-agent", "curl/8"),
        Map.copyOf(view));
  }
}
