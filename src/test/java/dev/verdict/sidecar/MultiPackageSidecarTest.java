package dev.verdict.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.engine.Verdict;
import dev.verdict.testing.RuleFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several rule files, in nested directories, each package on its own decision path. */
@ExtendWith(VertxExtension.class)
class MultiPackageSidecarTest {

  @Test
  void eachPackage_answersOnItsOwnPath_withItsOwnRoutes(Vertx vertx, @TempDir Path dir) throws Exception {
    RuleFiles.write(dir, "shop/orders.yaml", """
        package: shop.orders
        routes:
          - {id: catalogue, path: /catalogue/**, public: true}
        """);
    RuleFiles.write(dir, "shop/admin/admin.yaml", """
        package: shop.admin
        routes:
          - {id: status, path: /status, methods: [GET], public: true}
          - {id: catalogue-closed, path: /catalogue/**, effect: deny}
        """);
    RuleFiles.write(dir, ".hidden/ignored.yaml", "this: is not a rule file\n");
    Verdict verdict = Verdict.fromDirectory(dir, name -> null);
    int port = SidecarServer.start(vertx, verdict, new SidecarServer.Options("127.0.0.1", 0, 1)).await().port();
    WebClient client = WebClient.create(vertx);

    JsonObject catalogue = new JsonObject().put("input", new JsonObject().put("method", "GET").put("path", "/catalogue/x"));
    JsonObject orders = client.post(port, "127.0.0.1", "/v1/data/shop/orders").sendJsonObject(catalogue).await()
        .bodyAsJsonObject().getJsonObject("result");
    assertEquals(true, orders.getBoolean("allow"));
    assertEquals("catalogue", orders.getString("rule"));

    JsonObject admin = client.post(port, "127.0.0.1", "/v1/data/shop/admin").sendJsonObject(catalogue).await()
        .bodyAsJsonObject().getJsonObject("result");
    assertEquals(false, admin.getBoolean("allow"));
    assertEquals("catalogue-closed", admin.getString("rule"));

    assertEquals(new JsonObject(), client.post(port, "127.0.0.1", "/v1/data/shop").sendJsonObject(catalogue).await()
        .bodyAsJsonObject(), "a prefix of package paths is not a package");
  }
}
