package io.sluice.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's frame in real headless Chromium: sign-in, navigation, roles. */
class ConsoleBrowserTest {
  @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass().withBrowser();

  @Test
  void aVisitorWithoutATokenIsSentToTheLoginAndAWrongTokenIsRefused() {
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b1"))) {
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
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b2"))) {
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
    try (Browser browser = Browser.open(shop.uri(), shop.scratch().resolve("b3"))) {
      browser.signIn(ShopConsole.OPERATOR_TOKEN).go("/ui/");
      assertThat(browser.await("header .who").getText()).contains("operator");
    }
  }
}
