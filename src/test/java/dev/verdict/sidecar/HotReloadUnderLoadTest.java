package dev.verdict.sidecar;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.verdict.engine.RulesWatcher;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.RuleFiles;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's swap test: concurrent clients keep deciding over real HTTP while the rules file
 * alternates between two policies 100 times through the watcher. Every request must succeed, and
 * every single decision must be exactly what one of the two complete policies decides, the one
 * whose revision it names: never a mix, never none.
 */
@ExtendWith(VertxExtension.class)
class HotReloadUnderLoadTest {

  private static final int SWAPS = 100;
  private static final int CLIENTS = 8;
  private static final long PATIENCE_MILLIS = 60_000; // per swap; a failure detector, not a speed limit

  /** A: /a is public, /b needs b:read. B: the reverse. Same identity, so tokens verify under both. */
  private static final String POLICY_A = """
      package: swap.http
      identity:
        algorithms: [HS256]
        secret: ${env:SWAP_SECRET}
      risk:
        signals:
          far_away: "ip == '203.0.113.9' ? 90 : 0"
      routes:
        - {id: a-open, path: /a/**, public: true}
        - {id: b-read, path: /b/**, permission: b:read}
        - {id: c-read, path: "/c/{id}", permission: c:read, when: "params.id == 'mine'"}
      """;
  private static final String POLICY_B = """
      package: swap.http
      identity:
        algorithms: [HS256]
        secret: ${env:SWAP_SECRET}
      risk:
        threshold: 95
        signals:
          far_away: "ip == '203.0.113.9' ? 90 : 0"
      routes:
        - {id: b-open, path: /b/**, public: true}
        - {id: a-read, path: /a/**, permission: a:read}
        - {id: c-closed, path: /c/**, effect: deny}
      """;

  private record Probe(String name, JsonObject input) {}

  /** What a decision says, reduced to the fields both policies must agree to produce exactly. */
  private static String shape(JsonObject result) {
    return result.getBoolean("allow") + " " + result.getInteger("status") + " " + result.getString("rule") + " "
        + result.getString("error");
  }

  @Test
  void hundredSwapsUnderLoad_noFailedRequest_everyDecisionFromOneCompletePolicy(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Path rules = dir.resolve("rules");
    write(rules, "swap.yaml", POLICY_A);
    Verdict verdict = Verdict.fromDirectory(rules, RuleFiles.STRONG_SECRETS);
    int port = SidecarServer.start(vertx, verdict, new SidecarServer.Options("127.0.0.1", 0, 1)).await().port();
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(CLIENTS));

    List<Probe> probes = probes();
    // The two complete answers, learnt over HTTP while each policy is the only one.
    Map<String, Map<String, String>> expected = new HashMap<>();
    String revisionA = verdict.policy().revision();
    expected.put(revisionA, answers(client, port, probes));
    write(rules, "swap.yaml", POLICY_B);
    verdict.reload();
    String revisionB = verdict.policy().revision();
    expected.put(revisionB, answers(client, port, probes));
    assertNotEquals(revisionA, revisionB);
    int differing = 0;
    for (Probe p : probes) {
      if (!expected.get(revisionA).get(p.name()).equals(expected.get(revisionB).get(p.name()))) differing++;
    }
    assertTrue(differing >= 5, "the two policies must decide the probes differently: " + expected);

    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong decided = new AtomicLong();
    Map<String, AtomicLong> byRevision = Map.of(revisionA, new AtomicLong(), revisionB, new AtomicLong());
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<Void>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      Promise<Void> done = Promise.promise();
      clients.add(done.future());
      int first = c;
      vertx.runOnContext(v -> loop(client, port, probes, first, expected, failures, decided, byRevision, running, done));
    }

    try (RulesWatcher watcher = RulesWatcher.start(verdict, new RulesWatcher.Options(Duration.ofMillis(5),
        Duration.ofSeconds(30)))) {
      for (int swap = 0; swap < SWAPS; swap++) {
        boolean toA = swap % 2 == 0;
        String want = toA ? revisionA : revisionB;
        String text = toA ? POLICY_A : POLICY_B;
        if (swap % 4 < 2) {
          write(rules, "swap.yaml", text); // in place: the watcher may even see it half-written
        } else {
          Path temp = write(rules, ".swap.yaml.tmp", text); // as editors save
          Files.move(temp, rules.resolve("swap.yaml"), StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        }
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!want.equals(verdict.policy().revision())) {
          assertTrue(System.currentTimeMillis() < deadline, "swap " + swap + " never activated");
          Thread.sleep(1);
        }
        long seen = decided.get();
        // Let traffic see this policy before swapping again, so both are exercised throughout.
        while (decided.get() < seen + CLIENTS && failures.isEmpty()) Thread.sleep(1);
      }
    } finally {
      running.set(false);
      Future.all(clients).await();
    }

    assertEquals(List.of(), List.copyOf(failures).subList(0, Math.min(10, failures.size())));
    assertTrue(byRevision.get(revisionA).get() > SWAPS / 2 && byRevision.get(revisionB).get() > SWAPS / 2,
        "both policies decided traffic: " + byRevision);
    assertTrue(verdict.status().activations() >= SWAPS + 1, verdict.status()::toString);
  }

  private static List<Probe> probes() {
    String reader = TestTokens.hs256("x".repeat(64), claims("u1", List.of("a:read", "b:read", "c:read")));
    String nobody = TestTokens.hs256("x".repeat(64), claims("u2", List.of()));
    List<Probe> probes = new ArrayList<>();
    String[][] cases = {
        {"GET", "/a/1", null, "10.0.0.1"}, {"GET", "/a/1", reader, "10.0.0.1"}, {"GET", "/a/1", nobody, "10.0.0.1"},
        {"GET", "/b/1", null, "10.0.0.1"}, {"GET", "/b/1", reader, "10.0.0.1"}, {"GET", "/b/1", nobody, "10.0.0.1"},
        {"GET", "/c/mine", reader, "10.0.0.1"}, {"GET", "/c/yours", reader, "10.0.0.1"},
        {"GET", "/b/1", reader, "203.0.113.9"}, {"GET", "/a/1", reader, "203.0.113.9"},
        {"GET", "/nothing", reader, "10.0.0.1"}, {"GET", "/a/%2e%2e/b", reader, "10.0.0.1"}};
    for (String[] c : cases) {
      JsonObject headers = new JsonObject();
      if (c[2] != null) headers.put("authorization", "Bearer " + c[2]);
      JsonObject input = new JsonObject().put("method", c[0]).put("path", c[1]).put("ip", c[3]).put("headers", headers);
      String who = c[2] == null ? "anonymous" : c[2].equals(reader) ? "reader" : "nobody";
      probes.add(new Probe(c[0] + " " + c[1] + " " + who + " " + c[3], new JsonObject().put("input", input)));
    }
    return probes;
  }

  private static JWTClaimsSet claims(String sub, List<String> permissions) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).claim("permissions", permissions).build();
  }

  private static Map<String, String> answers(WebClient client, int port, List<Probe> probes) {
    Map<String, String> answers = new HashMap<>();
    for (Probe p : probes) {
      JsonObject body = client.request(HttpMethod.POST, port, "127.0.0.1", "/v1/data/swap/http")
          .sendJsonObject(p.input()).await().bodyAsJsonObject();
      answers.put(p.name(), shape(body.getJsonObject("result")));
    }
    return answers;
  }

  private static void loop(WebClient client, int port, List<Probe> probes, int next,
                           Map<String, Map<String, String>> expected, Queue<String> failures, AtomicLong decided,
                           Map<String, AtomicLong> byRevision, AtomicBoolean running, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    Probe probe = probes.get(next % probes.size());
    client.request(HttpMethod.POST, port, "127.0.0.1", "/v1/data/swap/http").sendBuffer(Buffer.buffer(probe.input().encode()))
        .onComplete(ar -> {
          if (ar.failed()) {
            failures.add(probe.name() + ": request failed: " + ar.cause());
          } else if (ar.result().statusCode() != 200) {
            failures.add(probe.name() + ": HTTP " + ar.result().statusCode() + " " + ar.result().bodyAsString());
          } else {
            JsonObject result = ar.result().bodyAsJsonObject().getJsonObject("result");
            String revision = result.getString("policy_revision");
            Map<String, String> policy = expected.get(revision);
            if (policy == null) {
              failures.add(probe.name() + ": decided by unknown revision " + revision);
            } else if (!policy.get(probe.name()).equals(shape(result))) {
              failures.add(probe.name() + ": revision " + revision + " answered `" + shape(result) + "`, its policy says `"
                  + policy.get(probe.name()) + "`");
            } else {
              byRevision.get(revision).incrementAndGet();
            }
            decided.incrementAndGet();
          }
          loop(client, port, probes, next + 1, expected, failures, decided, byRevision, running, done);
        });
  }
}
