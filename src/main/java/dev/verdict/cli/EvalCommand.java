package dev.verdict.cli;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.vertx.DecisionJson;
import dev.verdict.vertx.RequestJson;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", description = "Decide one request from a JSON file ({\"input\": {method, path, headers, ip}}) and print the decision, at the current time or --now.")
final class EvalCommand implements Callable<Integer> {

  @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory")
  Path rules;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON file with the request; `-` reads standard input")
  String input;

  @Option(names = "--package", paramLabel = "NAME", description = "package to decide with (default: the only one)")
  String packageName;

  // A flag, never a field of `input`: the input document is what the sidecar accepts from callers,
  // and a caller must not choose the time its token and `now` are judged at.
  @Option(names = "--now", paramLabel = "TIME", converter = EpochSecondsConverter.class,
      description = "decide as of TIME (epoch seconds, or ISO-8601 like 2026-01-01T12:00:00Z): `now` in expressions and token expiry (default: the current time)")
  Long now;

  @Spec
  CommandSpec spec;

  /** As the sidecar's request body limit: an input is one request, never a stream to slurp. */
  static final int MAX_INPUT_BYTES = 1024 * 1024;

  private static String readBounded(String input) throws IOException {
    try (java.io.InputStream in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
      byte[] bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
      if (bytes.length > MAX_INPUT_BYTES) throw new IOException("larger than " + MAX_INPUT_BYTES + " bytes");
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    Verdict verdict;
    CompiledPackage pkg;
    Request request;
    try {
      verdict = now == null ? Verdict.fromDirectory(rules)
          : Verdict.fromDirectory(rules, System::getenv, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
      pkg = Rules.choose(verdict.policy(), packageName);
      String text = readBounded(input);
      JsonObject doc = new JsonObject(text);
      request = RequestJson.fromInput(doc.containsKey("input") ? doc.getJsonObject("input") : doc);
    } catch (PolicyLoadException e) {
      Rules.printProblems(err, e);
      return VerdictCli.PROBLEMS;
    } catch (IOException e) {
      err.println("verdict eval: cannot read `" + input + "`: " + e.getMessage());
      return VerdictCli.USAGE;
    } catch (DecodeException | ClassCastException e) {
      err.println("verdict eval: `" + input + "` is not a json object");
      return VerdictCli.USAGE;
    } catch (RequestJson.InvalidInputException | IllegalArgumentException e) {
      err.println("verdict eval: " + e.getMessage());
      return VerdictCli.USAGE;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Identity identity = IdentityVerifiers.create(vertx, verdict::nowEpochSeconds).verify(pkg, request).await();
      Decision d = verdict.decide(verdict.policy(), pkg, request, identity);
      out.println(new JsonObject().put("result", DecisionJson.toJson(d)).encodePrettily());
      return VerdictCli.OK;
    } finally {
      vertx.close();
    }
  }
}
