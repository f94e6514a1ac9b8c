package dev.verdict.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on 127.0.0.1 (port 0) that a test controls: what it publishes, its
 * {@code Cache-Control}, failures, holding responses until the test releases them, going down.
 * Counts the requests it receives, so tests can tell how often keys were fetched.
 */
public final class JwksServer {

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final Promise<Void> firstRequest = Promise.promise();
  private volatile String body = "{\"keys\":[]}";
  private volatile int status = 200;
  private volatile String cacheControl;
  private volatile Promise<Void> gate;

  private JwksServer(Vertx vertx) {
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  public static JwksServer start(Vertx vertx) {
    JwksServer s = new JwksServer(vertx);
    s.server.listen(0, "127.0.0.1").await();
    return s;
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    firstRequest.tryComplete();
    // What to answer is read when the request arrives, as a real endpoint would.
    String b = body;
    int st = status;
    String cc = cacheControl;
    Promise<Void> g = gate;
    Runnable answer = () -> {
      var response = request.response().setStatusCode(st).putHeader("content-type", "application/json");
      if (cc != null) response.putHeader("cache-control", cc);
      response.end(b);
    };
    if (g == null) {
      answer.run();
    } else {
      g.future().onComplete(v -> answer.run());
    }
  }

  /** The url to put in {@code jwks:}. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
  }

  /** Publishes the public parts of {@code keys}, answering 200. */
  public JwksServer publish(JWK... keys) {
    this.body = new JWKSet(List.of(keys)).toString(); // toString() publishes public keys only
    this.status = 200;
    return this;
  }

  public JwksServer respond(int status, String body) {
    this.status = status;
    this.body = body;
    return this;
  }

  public JwksServer cacheControl(String value) {
    this.cacheControl = value;
    return this;
  }

  /** From now on, responses wait until {@link #release()}. */
  public JwksServer hold() {
    this.gate = Promise.promise();
    return this;
  }

  /** Answers every held request, and stops holding. */
  public void release() {
    Promise<Void> g = gate;
    gate = null;
    if (g != null) g.complete();
  }

  /** Completes when the first request arrives (held or not). */
  public Future<Void> requested() {
    return firstRequest.future();
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** Closes the listening socket: fetches now fail to connect. */
  public void stop() {
    server.close().await();
  }
}
