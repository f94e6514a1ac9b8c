package dev.verdict.cli;

import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "token", description = {
    "Mint a development token signed with the package's HS* secret, with its issuer and audience.",
    "For trying the sidecar and writing tests; production tokens come from your identity provider."})
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory")
  Path rules;

  @Option(names = "--package", paramLabel = "NAME", description = "package whose identity settings to use (default: the only one)")
  String packageName;

  @Option(names = "--issuer", paramLabel = "ISS",
      description = "issuer (`iss`) to sign for, when the package lists several (default: the first with an HS* secret)")
  String issuer;

  @Option(names = "--sub", required = true, paramLabel = "ID", description = "subject (user id)")
  String subject;

  @Option(names = "--permissions", split = ",", paramLabel = "P", description = "permissions, comma-separated")
  List<String> permissions = new ArrayList<>();

  @Option(names = "--ttl", defaultValue = "15m", paramLabel = "DURATION", description = "lifetime: 90s, 15m, 2h (default: ${DEFAULT-VALUE})")
  String ttl;

  @Option(names = "--claim", paramLabel = "NAME=JSON", description = "extra claim, value as JSON or plain text; repeatable, e.g. --claim 'bots=[\"b1\"]'")
  Map<String, String> claims = new java.util.LinkedHashMap<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    CompiledPackage pkg;
    try {
      pkg = Rules.choose(PolicyCompiler.create().compileDirectory(rules), packageName);
    } catch (PolicyLoadException e) {
      Rules.printProblems(err, e);
      return VerdictCli.PROBLEMS;
    } catch (IllegalArgumentException e) {
      err.println("verdict token: " + e.getMessage());
      return VerdictCli.USAGE;
    }
    IdentityConfig identity = pkg.identity();
    List<IssuerConfig> candidates = identity == null ? List.of() : identity.issuers();
    if (issuer != null) {
      candidates = candidates.stream().filter(i -> issuer.equals(i.issuer())).toList();
      if (candidates.isEmpty()) {
        err.println("verdict token: package `" + pkg.name() + "` has no issuer `" + issuer + "`");
        return VerdictCli.USAGE;
      }
    }
    IssuerConfig id = candidates.stream().filter(TokenCommand::canSign).findFirst().orElse(null);
    if (id == null) {
      err.println("verdict token: " + (issuer == null ? "package `" + pkg.name() + "`" : "issuer `" + issuer + "`")
          + " has no HS* secret to sign with; mint tokens with your identity provider");
      return VerdictCli.USAGE;
    }
    String alg = id.algorithms().stream().filter(a -> a.startsWith("HS")).findFirst().orElseThrow();
    long seconds;
    try {
      seconds = parseDuration(ttl);
      checkClaims();
    } catch (IllegalArgumentException e) {
      err.println("verdict token: " + e.getMessage());
      return VerdictCli.USAGE;
    }
    JsonObject payload = new JsonObject().put("sub", subject);
    String claim = id.permissionsClaim();
    if (claim.equals("scope")) {
      payload.put("scope", String.join(" ", permissions));
    } else {
      payload.put(claim, new JsonArray(permissions));
    }
    for (Map.Entry<String, String> c : claims.entrySet()) payload.put(c.getKey(), jsonOrText(c.getValue()));
    JWTOptions options = new JWTOptions().setAlgorithm(alg).setExpiresInSeconds((int) seconds);
    if (id.issuer() != null) options.setIssuer(id.issuer());
    if (!id.audience().isEmpty()) options.setAudience(id.audience());
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(id.hmacSecret())));
      out.println(auth.generateToken(payload, options));
      return VerdictCli.OK;
    } finally {
      vertx.close();
    }
  }

  private static boolean canSign(IssuerConfig issuer) {
    return issuer.hmacSecret() != null && issuer.algorithms().stream().anyMatch(a -> a.startsWith("HS"));
  }

  /** The signed claims come from the flags and the rules; --claim may only add others. */
  private void checkClaims() {
    java.util.Set<String> reserved = java.util.Set.of("sub", "iss", "aud", "exp", "iat", "nbf");
    for (String name : claims.keySet()) {
      if (name.isBlank()) throw new IllegalArgumentException("--claim needs a name: `NAME=JSON`");
      if (reserved.contains(name)) {
        throw new IllegalArgumentException("--claim cannot set `" + name + "`: it comes from --sub, --ttl or the rules");
      }
    }
    for (String p : permissions) {
      if (p.isBlank()) throw new IllegalArgumentException("--permissions holds an empty permission");
    }
  }

  private static Object jsonOrText(String value) {
    try {
      return Json.decodeValue(value);
    } catch (DecodeException e) {
      return value;
    }
  }

  static long parseDuration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d{1,7})([smhd])").matcher(text.trim());
    if (!m.matches()) throw new IllegalArgumentException("duration `" + text + "` must look like `90s`, `15m`, `2h` or `1d`");
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero() || d.toSeconds() > Integer.MAX_VALUE) throw new IllegalArgumentException("duration `" + text + "` is out of range");
    return d.toSeconds();
  }
}
