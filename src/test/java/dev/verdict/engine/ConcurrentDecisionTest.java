package dev.verdict.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.testing.MoltbotRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One compiled policy shared by many threads must decide exactly as it does alone. MVEL rewrites
 * its compiled expressions on first executions (optimizer), so the race is run on a cold policy.
 */
class ConcurrentDecisionTest {

  private static final Identity ALICE = Identity.verified("alice", Set.of("bots:read", "chat:send"),
      Map.of("sub", "alice", "bots", List.of("b1")));
  private static final Identity ROOT = Identity.verified("root", Set.of("admin"), Map.of("sub", "root"));

  private static List<Object[]> cases() {
    String[] uas = {"Mozilla/5.0", "curl/8.5", ""};
    String[] ips = {"10.0.0.1", "203.0.113.5", "::1", "not-an-ip"};
    String[][] routes = {{"GET", "/api/bots/b1"}, {"POST", "/api/bots/b1/messages"}, {"POST", "/api/bots/b2/messages"},
        {"GET", "/api/admin/users"}, {"GET", "/api/v0/old"}, {"GET", "/health"}, {"GET", "/nope"},
        {"GET", "/api/bots/b1/conversations/export"}};
    List<Object[]> cases = new ArrayList<>();
    for (String ua : uas) for (String ip : ips) for (String[] r : routes) for (Identity id : List.of(ALICE, ROOT)) {
      cases.add(new Object[] {new Request(r[0], r[1], ua.isEmpty() ? Map.of() : Map.of("user-agent", ua), ip), id});
    }
    return cases;
  }

  private static String summary(Decision d) {
    return d.outcome() + " " + d.rule() + " " + (d.risk() == null ? "-" : d.risk().score()) + " " + d.errors();
  }

  @Test
  void sharedColdPolicy_decidesUnderContention_exactlyAsSequentially() throws Exception {
    List<Object[]> cases = cases();
    Verdict reference = MoltbotRules.load();
    List<String> expected = new ArrayList<>();
    for (Object[] c : cases) expected.add(summary(reference.decide(MoltbotRules.PACKAGE, (Request) c[0], (Identity) c[1])));

    Verdict shared = MoltbotRules.load(); // fresh compile: MVEL optimizer state is cold
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> mismatches = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      mismatches.add(pool.submit(() -> {
        start.await();
        List<String> wrong = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
          for (int i = 0; i < cases.size(); i++) {
            int k = (i + offset * 7) % cases.size();
            Object[] c = cases.get(k);
            String got = summary(shared.decide(MoltbotRules.PACKAGE, (Request) c[0], (Identity) c[1]));
            if (!got.equals(expected.get(k))) wrong.add(k + ": " + got + " != " + expected.get(k));
          }
        }
        return wrong;
      }));
    }
    start.countDown();
    List<String> all = new ArrayList<>();
    for (Future<List<String>> f : mismatches) all.addAll(f.get());
    pool.shutdown();
    assertEquals(List.of(), all.subList(0, Math.min(10, all.size())));
  }
}
