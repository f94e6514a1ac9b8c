package dev.verdict.compile;

import dev.verdict.Diagnostic;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import dev.verdict.rules.IdentitySpec;
import dev.verdict.rules.IssuerSpec;
import dev.verdict.rules.Located;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Resolves each issuer's key references: {@code ${env:NAME}} and {@code file:PATH} (relative to
 * the rule file), and checks remote {@code jwks} urls (fetched later, by the identity layer).
 * Secrets never appear in rule files as literals, so a rule file can be shared, reviewed and
 * committed.
 */
final class KeyResolver {

  /** Largest `file:` secret, key or JWKS document read (as a remote JWKS). */
  static final int MAX_KEY_FILE_BYTES = 1024 * 1024;
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

  private final Function<String, String> environment;
  private final List<Diagnostic> problems;

  KeyResolver(Function<String, String> environment, List<Diagnostic> problems) {
    this.environment = environment;
    this.problems = problems;
  }

  /** The resolved settings, or {@code null} when the section has no issuer (already reported by the parser). */
  IdentityConfig resolve(IdentitySpec spec, Path baseDir) {
    List<IssuerConfig> issuers = new ArrayList<>();
    for (IssuerSpec issuer : spec.issuers()) issuers.add(resolve(issuer, baseDir));
    if (issuers.isEmpty()) return null;
    return new IdentityConfig(spec.location(), spec.tokens(), spec.leewaySeconds(), spec.roles(),
        spec.requiredClaims(), spec.requireExp(), issuers);
  }

  private IssuerConfig resolve(IssuerSpec spec, Path baseDir) {
    String secret = null;
    if (spec.secret() != null) {
      secret = secret(spec.secret(), baseDir);
      if (secret != null) checkStrength(spec, secret);
    }
    String pem = null;
    if (spec.publicKey() != null) {
      pem = text(spec.publicKey(), baseDir, "public_key");
      if (pem != null && !pem.contains("-----BEGIN")) {
        problems.add(new Diagnostic(spec.publicKey().location(), "invalid_key",
            "`public_key` must be a PEM public key (`-----BEGIN PUBLIC KEY-----`)"));
        pem = null;
      }
      if (pem != null) checkPublicKey(spec, pem);
    }
    List<Map<String, Object>> jwks = List.of();
    String jwksUrl = null;
    if (spec.jwks() != null) {
      if (spec.jwks().value().startsWith("file:")) {
        jwks = jwks(spec, baseDir);
      } else {
        jwksUrl = jwksUrl(spec.jwks());
      }
    }
    return new IssuerConfig(spec.location(), spec.issuer(), spec.algorithms(), secret, pem, jwks, jwksUrl,
        Math.max(1, spec.jwksRefreshIntervalSeconds()), spec.audience(), spec.permissionsClaim(), spec.rolesClaim());
  }

  /**
   * An {@code https://} url, or plain {@code http://} to a loopback host only (tests, a sidecar
   * beside a local identity provider): keys fetched in clear text from anywhere else could be
   * swapped by anyone on the path, and with them every identity.
   */
  private String jwksUrl(Located ref) {
    URI uri;
    try {
      uri = new URI(ref.value().trim());
    } catch (URISyntaxException e) {
      problems.add(new Diagnostic(ref.location(), "invalid_jwks_url", "`jwks` url `" + ref.value() + "` is not a valid url"));
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      problems.add(new Diagnostic(ref.location(), "unsupported_jwks_source",
          "`jwks` must be `file:PATH` or an `https://` url, not `" + ref.value() + "`"));
      return null;
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      problems.add(new Diagnostic(ref.location(), "invalid_jwks_url",
          "`jwks` url `" + ref.value() + "` needs a host, and no user info or fragment"));
      return null;
    }
    if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
      problems.add(new Diagnostic(ref.location(), "insecure_jwks_url",
          "`jwks` url `" + ref.value() + "` must use `https://`; plain `http://` is allowed only for `127.0.0.1` or `localhost`"));
      return null;
    }
    return uri.toString();
  }

  private String secret(Located ref, Path baseDir) {
    Matcher env = ENV.matcher(ref.value().trim());
    if (env.matches()) {
      String value = environment.apply(env.group(1));
      if (value == null || value.isEmpty()) {
        problems.add(new Diagnostic(ref.location(), "missing_secret",
            "environment variable `" + env.group(1) + "` named by `secret` is not set"));
        return null;
      }
      return value;
    }
    if (ref.value().startsWith("file:")) return text(ref, baseDir, "secret");
    problems.add(new Diagnostic(ref.location(), "literal_secret",
        "`secret` must be `${env:NAME}` or `file:PATH`, never the secret itself"));
    return null;
  }

  /** Inline text, or the content of {@code file:PATH}. */
  private String text(Located ref, Path baseDir, String key) {
    String value = ref.value();
    if (!value.startsWith("file:")) return value;
    Path file = baseDir.resolve(value.substring("file:".length()));
    try {
      byte[] bytes = dev.verdict.rules.RuleSetReader.readAtMost(file, MAX_KEY_FILE_BYTES);
      if (bytes == null) {
        problems.add(new Diagnostic(ref.location(), "unreadable_file",
            "cannot read `" + key + "` file `" + file + "`: larger than " + MAX_KEY_FILE_BYTES + " bytes"));
        return null;
      }
      // Strict, as Files.readString: a key file that is not UTF-8 is refused, never patched with U+FFFD.
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString().strip();
    } catch (IOException | RuntimeException e) {
      problems.add(new Diagnostic(ref.location(), "unreadable_file",
          "cannot read `" + key + "` file `" + file + "`: " + e.getClass().getSimpleName()));
      return null;
    }
  }

  // RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
  private void checkStrength(IssuerSpec spec, String secret) {
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    int needed = spec.algorithms().contains("HS512") ? 64 : spec.algorithms().contains("HS384") ? 48 : 32;
    if (bytes < needed) {
      problems.add(new Diagnostic(spec.secret().location(), "weak_secret",
          "secret is " + bytes + " bytes; the HMAC algorithms allowed need at least " + needed));
    }
  }

  private void checkPublicKey(IssuerSpec spec, String pem) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      problems.add(new Diagnostic(spec.publicKey().location(), "invalid_key",
          "`public_key` must be a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo)"));
      return;
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      problems.add(new Diagnostic(spec.publicKey().location(), "invalid_key", "`public_key` is not valid base64"));
      return;
    }
    for (String alg : spec.algorithms()) {
      if (alg.startsWith("HS")) continue;
      String family = alg.startsWith("RS") || alg.startsWith("PS") ? "RSA" : alg.startsWith("ES") ? "EC" : "Ed25519";
      try {
        KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception e) {
        problems.add(new Diagnostic(spec.publicKey().location(), "key_algorithm_mismatch",
            "`public_key` is not a " + family + " key, but algorithm `" + alg + "` needs one"));
      }
    }
  }

  private List<Map<String, Object>> jwks(IssuerSpec spec, Path baseDir) {
    Located ref = spec.jwks();
    String json = text(ref, baseDir, "jwks");
    if (json == null) return List.of();
    try {
      // JSON is YAML; SnakeYAML's safe loader reads it without a second JSON library here.
      Object doc = new Yaml(new LoaderOptions()).load(json);
      if (doc instanceof Map<?, ?> map && map.get("keys") instanceof List<?> keys && !keys.isEmpty()) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object k : keys) {
          if (!(k instanceof Map<?, ?> key) || !(key.get("kty") instanceof String)) {
            problems.add(new Diagnostic(ref.location(), "invalid_jwks", "every jwks key needs a `kty`"));
            return List.of();
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> typed = (Map<String, Object>) key;
          out.add(typed);
        }
        return out;
      }
      problems.add(new Diagnostic(ref.location(), "invalid_jwks", "jwks file must hold `{\"keys\": [...]}` with at least one key"));
    } catch (RuntimeException e) {
      problems.add(new Diagnostic(ref.location(), "invalid_jwks", "jwks file is not valid json"));
    }
    return List.of();
  }
}
