package dev.verdict.vertx;

import dev.verdict.Decision;
import dev.verdict.Request;
import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Answers decision requests on the event bus, for verticles (or clustered nodes) that would
 * rather ask than embed the handler.
 *
 * <p>Request: {@code {"package": "moltbot.http", "input": {"method", "path", "headers", "ip"}}}.
 * Reply: the decision JSON ({@link DecisionJson}). Bad requests fail the message with code 400.
 */
public final class PdpVerticle extends VerticleBase {

  /** The default address. */
  public static final String ADDRESS = "verdict.decide";

  private final Verdict verdict;
  private final String address;
  private IdentityVerifiers identities;
  private MessageConsumer<JsonObject> consumer;

  public PdpVerticle(Verdict verdict) {
    this(verdict, ADDRESS);
  }

  public PdpVerticle(Verdict verdict, String address) {
    this.verdict = verdict;
    this.address = address;
  }

  @Override
  public Future<?> start() {
    identities = IdentityVerifiers.create(vertx, verdict::nowEpochSeconds);
    consumer = vertx.eventBus().consumer(address, this::decide);
    return consumer.completion();
  }

  private void decide(Message<JsonObject> message) {
    JsonObject body = message.body();
    if (body == null || !(body.getValue("package") instanceof String packageName)) {
      message.fail(400, "missing `package`");
      return;
    }
    Request request;
    try {
      request = RequestJson.fromInput(body.getJsonObject("input"));
    } catch (RequestJson.InvalidInputException | ClassCastException e) {
      message.fail(400, e.getMessage());
      return;
    }
    CompiledPolicy policy = verdict.policy();
    CompiledPackage pkg = policy.packageNamed(packageName);
    if (!verdict.isReady()) {
      message.fail(503, "no policy is active yet");
      return;
    }
    if (pkg == null) {
      message.fail(404, "no package `" + packageName + "`");
      return;
    }
    identities.verify(pkg, request)
        .onSuccess(identity -> {
          Decision decision = verdict.decide(policy, pkg, request, identity);
          message.reply(DecisionJson.toJson(decision));
          Shadow shadow = verdict.shadow();
          if (shadow != null) {
            shadow.compare(pkg, request, identity, decision, (p, r) -> identities.verify(p, r).toCompletionStage());
          }
        })
        .onFailure(e -> message.fail(500, "decision failed"));
  }
}
