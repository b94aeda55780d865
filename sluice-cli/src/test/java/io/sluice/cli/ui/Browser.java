package io.sluice.cli.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * WebDriver, for the console's browser tests.
 *
 * <p>When the browser is not installed, the tests abort (skipped) with a loud message on stderr,
 * unless {@code SLUICE_REQUIRE_BROWSER} is set: then they fail ({@code .ci/run} installs the
 * browser first and stops when it cannot). Screenshots go to {@code target/ui-screenshots}, and
 * also to the folder named by the {@code sluice.ui.screenshots} system property (e.g. {@code
 * docs/ui}) when it is set.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final URI base;

  private Browser(ChromeDriver driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  /** Starts Chromium, with its profile in {@code scratch}; {@code base} is the server's address. */
  public static Browser open(URI base, Path scratch) {
    requireInstalled();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1400,1000",
        "--user-data-dir=" + scratch.resolve("chromium-profile").toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options), base);
  }

  /** Aborts the test (or fails it, when the browser is required) if Chromium is missing. */
  static void requireInstalled() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
      return;
    }
    String message =
        "BROWSER TESTS DID NOT RUN: "
            + CHROMIUM
            + " and "
            + DRIVER
            + " are needed (Debian: apt-get install chromium chromium-driver; .ci/run installs"
            + " them)";
    if (System.getenv("SLUICE_REQUIRE_BROWSER") != null) {
      Assertions.fail(message);
    }
    System.err.println("*".repeat(100));
    System.err.println("* " + message);
    System.err.println("*".repeat(100));
    Assumptions.abort(message);
  }

  /** Opens {@code path} (e.g. {@code /ui/runs}) of the server. */
  public Browser go(String path) {
    driver.get(base.resolve(path).toString());
    return this;
  }

  /** Waits until an element matches {@code css}, and returns it. */
  public WebElement await(String css) {
    return new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element matching {@code css} shows {@code text}. */
  public void awaitText(String css, String text) {
    new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** The elements matching {@code css} now. */
  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Clicks the element matching {@code css} once it is clickable. */
  public void click(String css) {
    new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)))
        .click();
  }

  /** Types into the field matching {@code css}, replacing what it holds. */
  public void type(String css, String text) {
    WebElement field = await(css);
    field.clear();
    field.sendKeys(text);
  }

  /** Signs in to the console with {@code token}. */
  public Browser signIn(String token) {
    go("/ui/login");
    type("#token", token);
    click("#sign-in");
    await("header nav a");
    return this;
  }

  /** Runs JavaScript in the page and returns its result. */
  public Object script(String javascript, Object... arguments) {
    return driver.executeScript(javascript, arguments);
  }

  /** The address of the page shown. */
  public String currentPath() {
    return URI.create(driver.getCurrentUrl()).getPath();
  }

  /** The WebDriver, for what this class does not offer. */
  public ChromeDriver driver() {
    return driver;
  }

  /** Saves a PNG of the page as {@code name}.png (see the class comment for where). */
  public Path screenshot(String name) {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    try {
      Path folder = Path.of("target", "ui-screenshots");
      Files.createDirectories(folder);
      Path file = folder.resolve(name + ".png");
      Files.write(file, png);
      String docs = System.getProperty("sluice.ui.screenshots");
      if (docs != null && !docs.isBlank()) {
        Path target = Path.of(docs);
        Files.createDirectories(target);
        Files.write(target.resolve(name + ".png"), png);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
