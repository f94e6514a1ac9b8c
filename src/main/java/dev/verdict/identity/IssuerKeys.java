package dev.verdict.identity;

import dev.verdict.policy.IssuerConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The keys of one issuer. Fixed keys (a secret, a PEM key, a JWKS file) are built once. A remote
 * JWKS is fetched with vertx-web-client and its {@link KeySet} swapped atomically when it changes.
 *
 * <p>When a remote JWKS is fetched:
 * <ul>
 *   <li>once when the verifier is made, so the first request usually finds keys;
 *   <li>after the response's {@code Cache-Control: max-age} (clamped to
 *       {@value #MIN_REFRESH_SECONDS}s..{@value #MAX_REFRESH_SECONDS}s; {@value #DEFAULT_REFRESH_SECONDS}s
 *       without one), in the background, by the first verification that finds it due: decisions
 *       keep using the current keys meanwhile;
 *   <li>when a token names a {@code kid} the current set lacks, at most once per
 *       {@code jwks_refresh_interval}; the token waits for that fetch only. Within the interval
 *       such tokens are refused at once, so a flood of random {@code kid}s costs the identity
 *       provider one request per interval.
 * </ul>
 * A failed fetch keeps the last good keys and is retried, on use, after the refresh interval.
 * Every time here is read from the injected clock; nothing runs unless verifications ask for keys,
 * so a verifier that is dropped stops fetching.
 */
final class IssuerKeys {

  static final long MIN_REFRESH_SECONDS = 60;
  static final long MAX_REFRESH_SECONDS = 24 * 3600;
  static final long DEFAULT_REFRESH_SECONDS = 300;
  static final int MAX_JWKS_BYTES = 1024 * 1024;

  /** What a remote JWKS needs beyond the issuer's settings. */
  record Fetching(Vertx vertx, Supplier<WebClient> client, LongSupplier nowSeconds, long timeoutMillis) {}

  private final IssuerConfig config;
  private final long leewaySeconds;
  private final Fetching fetching;           // null for fixed keys
  private final Consumer<IssuerKeys> changed; // told after a swap that removed or replaced keys

  private volatile KeySet current;            // null until a remote JWKS is first fetched

  // Remote state. Written under `this`; the two volatiles are read without the lock on the hot path.
  private volatile Promise<KeySet> inFlight;
  private volatile long refreshAt = Long.MAX_VALUE;
  private long lastFetchAt = Long.MIN_VALUE;
  private String lastFailure;

  private IssuerKeys(IssuerConfig config, long leewaySeconds, KeySet fixed, Fetching fetching,
                     Consumer<IssuerKeys> changed) {
    this.config = config;
    this.leewaySeconds = leewaySeconds;
    this.current = fixed;
    this.fetching = fetching;
    this.changed = changed;
  }

  /** @throws IllegalArgumentException when vertx-auth-jwt refuses the key material */
  static IssuerKeys fixed(Vertx vertx, IssuerConfig config, long leewaySeconds) {
    List<JsonObject> jwks = new ArrayList<>();
    for (var key : config.jwks()) jwks.add(new JsonObject(new LinkedHashMap<>(key)));
    return new IssuerKeys(config, leewaySeconds, KeySet.build(vertx, config, leewaySeconds, jwks, null), null, k -> {});
  }

  /** Keys from {@link IssuerConfig#jwksUrl()}; the first fetch starts now. */
  static IssuerKeys remote(IssuerConfig config, long leewaySeconds, Fetching fetching, Consumer<IssuerKeys> changed) {
    IssuerKeys keys = new IssuerKeys(config, leewaySeconds, null, fetching, changed);
    keys.fetchIfAllowed(fetching.nowSeconds().getAsLong());
    return keys;
  }

  /** A web client for JWKS fetches, made on first use and then shared. */
  static Supplier<WebClient> lazyClient(Vertx vertx) {
    return new Supplier<>() {
      private WebClient client;

      @Override
      public synchronized WebClient get() {
        if (client == null) {
          // A redirect could lead from https to anywhere; the url in the rules is the only source.
          client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
              .setUserAgent("verdict-jwks"));
        }
        return client;
      }
    };
  }

  IssuerConfig config() {
    return config;
  }

  /**
   * The keys to verify a token naming {@code kid} with. Completed at once unless a fetch is
   * needed: no keys yet, or an unknown {@code kid} and the refresh interval has passed. Fails
   * only when there are no keys at all.
   */
  Future<KeySet> keysFor(String kid, long now) {
    KeySet keys = current;
    if (fetching == null) return keys.ready;
    if (keys == null || (kid != null && !keys.byKid.containsKey(kid))) return fetchIfAllowed(now);
    refreshIfDue(now);
    return keys.ready;
  }

  /**
   * Whether a token verified with {@code keys} (naming {@code kid}, matched to the published
   * {@code key}) may still be trusted: the set is unchanged, or that very key is still published.
   */
  boolean trusts(KeySet keys, String kid, JsonObject key) {
    KeySet now = current;
    return now == keys || (key != null && now != null && now.byKid.get(kid) == key);
  }

  /** Starts a background fetch when the max-age has passed; never waits. Two volatile reads when not due. */
  void refreshIfDue(long now) {
    if (fetching == null || now < refreshAt || inFlight != null) return;
    Promise<KeySet> started;
    synchronized (this) {
      if (now < refreshAt || inFlight != null) return;
      started = begin(now);
    }
    send(started);
  }

  /** Completes when no fetch is running (for tests and for callers that want fresh keys before going on). */
  Future<Void> settled() {
    Promise<KeySet> running = inFlight;
    return running == null ? Future.succeededFuture() : running.future().transform(ar -> Future.succeededFuture());
  }

  /** Why the last fetch failed, or {@code null} after a success. */
  synchronized String lastFailure() {
    return lastFailure;
  }

  private Future<KeySet> fetchIfAllowed(long now) {
    Promise<KeySet> started;
    synchronized (this) {
      Promise<KeySet> running = inFlight;
      if (running != null) return running.future();
      if (lastFetchAt != Long.MIN_VALUE && now < lastFetchAt + config.jwksRefreshIntervalSeconds()) {
        KeySet keys = current;
        return keys != null ? keys.ready : Future.failedFuture(noKeys());
      }
      started = begin(now);
    }
    send(started);
    return started.future();
  }

  // Called under `this`.
  private Promise<KeySet> begin(long now) {
    lastFetchAt = now;
    refreshAt = Long.MAX_VALUE; // until this fetch answers; keeps the hot path off the lock meanwhile
    Promise<KeySet> started = Promise.promise();
    inFlight = started;
    return started;
  }

  private void send(Promise<KeySet> done) {
    long timeout = fetching.timeoutMillis();
    Future<HttpResponse<Buffer>> response;
    try {
      response = fetching.client().get().getAbs(config.jwksUrl())
          .connectTimeout(timeout)
          .idleTimeout(timeout)
          .putHeader("accept", "application/json")
          .send()
          .timeout(timeout, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      response = Future.failedFuture(e);
    }
    response.onComplete(ar -> completed(ar, done));
  }

  private void completed(AsyncResult<HttpResponse<Buffer>> ar, Promise<KeySet> done) {
    long now = fetching.nowSeconds().getAsLong();
    KeySet fresh = null;
    String failure = null;
    long maxAge = DEFAULT_REFRESH_SECONDS;
    if (ar.failed()) {
      failure = ar.cause().getClass().getSimpleName() + (ar.cause().getMessage() == null ? "" : ": " + ar.cause().getMessage());
    } else if (ar.result().statusCode() != 200) {
      failure = "status " + ar.result().statusCode();
    } else {
      Buffer body = ar.result().body();
      try {
        if (body == null || body.length() > MAX_JWKS_BYTES) throw new IllegalArgumentException("no body, or over 1 MiB");
        fresh = KeySet.build(fetching.vertx(), config, leewaySeconds, keys(body), current);
        if (fresh.isEmpty()) {
          failure = "no usable key for " + config.algorithms();
          fresh = null;
        }
      } catch (RuntimeException e) {
        failure = "not a jwks: " + e.getMessage();
      }
      maxAge = maxAge(ar.result().getHeader("cache-control"));
    }
    boolean swapped = false;
    KeySet result;
    synchronized (this) {
      KeySet old = current;
      if (fresh != null) {
        if (old == null || !old.published.equals(fresh.published)) {
          current = fresh;
          swapped = old != null;
        }
        refreshAt = now + Math.max(MIN_REFRESH_SECONDS, Math.min(MAX_REFRESH_SECONDS, maxAge));
        lastFailure = null;
      } else {
        // INVARIANT: a failed fetch never clears keys; the last good set stays until a good fetch replaces it.
        refreshAt = now + config.jwksRefreshIntervalSeconds();
        lastFailure = failure;
      }
      inFlight = null;
      result = current;
    }
    if (swapped) changed.accept(this); // before waiters go on, so none sees an evicted token as cached
    if (result != null) {
      done.complete(result);
    } else {
      done.fail(noKeys());
    }
  }

  private static List<JsonObject> keys(Buffer body) {
    JsonArray keys = new JsonObject(body).getJsonArray("keys");
    if (keys == null) throw new IllegalArgumentException("no `keys` array");
    List<JsonObject> out = new ArrayList<>();
    for (Object k : keys) {
      if (!(k instanceof JsonObject key) || !(key.getValue("kty") instanceof String)) {
        throw new IllegalArgumentException("every key needs a `kty`");
      }
      out.add(key);
    }
    return out;
  }

  /** Seconds from {@code Cache-Control: max-age=N}; {@code no-cache}/{@code no-store} give 0 (then the floor). */
  static long maxAge(String cacheControl) {
    if (cacheControl == null) return DEFAULT_REFRESH_SECONDS;
    long result = DEFAULT_REFRESH_SECONDS;
    for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
      String d = directive.trim();
      if (d.equals("no-cache") || d.equals("no-store")) return 0;
      if (d.startsWith("max-age=")) {
        try {
          result = Math.max(0, Long.parseLong(d.substring("max-age=".length()).replace("\"", "").trim()));
        } catch (NumberFormatException e) {
          // an unreadable max-age is ignored, as HTTP caches do
        }
      }
    }
    return result;
  }

  private IllegalStateException noKeys() {
    String why;
    synchronized (this) {
      why = lastFailure;
    }
    return new IllegalStateException("no keys from jwks `" + config.jwksUrl() + "` yet"
        + (why == null ? "" : ": " + why));
  }
}
