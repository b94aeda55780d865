package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import io.sluice.cli.ServeSession;
import io.sluice.core.project.ProjectLoader;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve.tls-key-store}: the console and the APIs over HTTPS only. */
class ConsoleTlsTest {
  private static final String PASSWORD = "key-store-password";
  @TempDir static Path scratch;
  private static Path project;
  private static Path keyStore;

  @BeforeAll
  static void projectWithAKeyStore() throws Exception {
    project = scratch.resolve("shop");
    ShopConsole.prepare(project, 50);
    keyStore = project.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "sluice",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
  }

  @Test
  void theConsoleIsServedOverHttpsAndItsCookieIsSecure() throws Exception {
    Path yaml = project.resolve("sluice.yaml");
    String original = Files.readString(yaml);
    Files.writeString(
        yaml,
        "  tls-key-store: server.p12\n  tls-key-store-password-env: SHOP_TLS_PASSWORD\n",
        StandardOpenOption.APPEND);
    Map<String, String> env = new HashMap<>(ShopConsole.ENV);
    env.put("SHOP_TLS_PASSWORD", PASSWORD);
    try (ServeSession session =
        ServeSession.start(ProjectLoader.load(project), Optional.of(0), env, s -> {}, false)) {
      URI base = session.uri();
      assertThat(base.getScheme()).isEqualTo("https");
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(keyStore)).build();
      HttpResponse<String> login =
          client.send(
              HttpRequest.newBuilder(base.resolve("/ui/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("token=" + ShopConsole.VIEWER_TOKEN))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(303);
      assertThat(login.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("HttpOnly")
          .contains("SameSite=Strict")
          .contains("Secure");
      // Plain HTTP on the HTTPS port gets no HTTP answer at all.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + base.getPort() + "/health"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      Files.writeString(yaml, original);
    }
  }

  @Test
  void aKeyStoreWithoutPasswordIsAUserErrorNamingTheKeys() throws Exception {
    Path yaml = project.resolve("sluice.yaml");
    String original = Files.readString(yaml);
    Files.writeString(yaml, "  tls-key-store: server.p12\n", StandardOpenOption.APPEND);
    try {
      assertThatThrownBy(
              () ->
                  ServeSession.start(
                      ProjectLoader.load(project), Optional.of(0), ShopConsole.ENV, s -> {}, false))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("serve.tls-key-store-password-env");
    } finally {
      Files.writeString(yaml, original);
    }
  }

  private static SSLContext trusting(Path store) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
