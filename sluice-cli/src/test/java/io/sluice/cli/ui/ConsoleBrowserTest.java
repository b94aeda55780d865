package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's frame in real headless Chromium: sign-in, navigation, roles. */
class ConsoleBrowserTest {
  @TempDir static Path scratch;
  private static ShopConsole shop;

  @BeforeAll
  static void serveTheShop() {
    Browser.requireInstalled();
    shop = ShopConsole.start(scratch.resolve("shop"));
  }

  @AfterAll
  static void stop() {
    if (shop != null) {
      shop.close();
    }
  }

  @Test
  void aVisitorWithoutATokenIsSentToTheLoginAndAWrongTokenIsRefused() {
    try (Browser browser = Browser.open(shop.uri(), scratch.resolve("b1"))) {
      browser.go("/ui/");
      browser.await("#token");
      assertThat(browser.currentPath()).isEqualTo("/ui/login");
      browser.type("#token", "not-the-token");
      browser.click("#sign-in");
      browser.awaitText("#login-error", "not valid");
    }
  }

  @Test
  void theViewerSeesTheOverviewOfEverySourceButNoOperatorControls() {
    try (Browser browser = Browser.open(shop.uri(), scratch.resolve("b2"))) {
      browser.signIn(ShopConsole.VIEWER_TOKEN).go("/ui/");
      browser.await("#sources tbody tr");
      assertThat(browser.all("#sources tbody tr")).hasSize(3);
      assertThat(browser.await("header .who").getText()).contains("viewer");
      assertThat(browser.await("body").getAttribute("data-access")).isEqualTo("viewer");
      browser.screenshot("overview");
    }
  }

  @Test
  void theOperatorIsSignedInAsOperator() {
    try (Browser browser = Browser.open(shop.uri(), scratch.resolve("b3"))) {
      browser.signIn(ShopConsole.OPERATOR_TOKEN).go("/ui/");
      assertThat(browser.await("header .who").getText()).contains("operator");
    }
  }
}
