package io.sluice.cli.ui;

import io.sluice.cli.Main;
import io.sluice.cli.ServeSession;
import io.sluice.cli.demo.ExampleProject;
import io.sluice.cli.demo.ShopGenerator;
import io.sluice.core.project.ProjectLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shop example as a user has it after {@code sluice demo}: generated data, one {@code sluice
 * run}, and {@code sluice ui} serving its console on a free loopback port, with a viewer and an
 * operator token.
 */
public final class ShopConsole implements AutoCloseable {
  public static final String OPERATOR_TOKEN = "operator-token-for-tests";
  public static final String VIEWER_TOKEN = "viewer-token-for-tests";
  static final Map<String, String> ENV =
      Map.of("SHOP_OPERATOR_TOKEN", OPERATOR_TOKEN, "SHOP_VIEWER_TOKEN", VIEWER_TOKEN);

  private final Path project;
  private final ServeSession session;

  private ShopConsole(Path project, ServeSession session) {
    this.project = project;
    this.session = session;
  }

  /** The shop example with {@code orders} orders of data and the console's tokens, run once. */
  public static void prepare(Path project, int orders) {
    try {
      ExampleProject.copyTo(project);
      Files.writeString(
          project.resolve("sluice.yaml"),
          "\nserve:\n  port: 0\n  query-token-env: SHOP_OPERATOR_TOKEN\n"
              + "  viewer-token-env: SHOP_VIEWER_TOKEN\n",
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ShopGenerator.generate(project, ShopGenerator.Options.defaults().withOrders(orders));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "run",
            "-p",
            project.toString());
    if (exit != 0) {
      throw new AssertionError("sluice run failed (" + exit + "): " + out + err);
    }
  }

  /** Serves the console of {@code project} as {@code sluice ui} does. */
  public static ShopConsole serve(Path project) {
    return new ShopConsole(
        project,
        ServeSession.start(ProjectLoader.load(project), Optional.of(0), ENV, summary -> {}, false));
  }

  public URI uri() {
    return session.uri();
  }

  public Path project() {
    return project;
  }

  public ServeSession session() {
    return session;
  }

  @Override
  public void close() {
    session.close();
  }

  /**
   * One served shop for a test class, started before its tests and stopped after them:
   * {@code @RegisterExtension static final ShopConsole.PerClass shop = ShopConsole.perClass();}. It
   * works in a folder of its own, {@link #scratch()}, deleted at the end.
   */
  public static PerClass perClass() {
    return new PerClass(false, project -> {});
  }

  /** The extension of one shop per class; see {@link #perClass()}. */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final boolean browser;
    private final Consumer<Path> adjust;
    private Path scratch;
    private ShopConsole console;

    private PerClass(boolean browser, Consumer<Path> adjust) {
      this.browser = browser;
      this.adjust = adjust;
    }

    /** Also the browser: the class's tests abort, loudly, when Chromium is not installed. */
    public PerClass withBrowser() {
      return new PerClass(true, adjust);
    }

    /** Changes the project after its first run and before it is served. */
    public PerClass adjusted(Consumer<Path> change) {
      return new PerClass(browser, change);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      if (browser) {
        Browser.requireInstalled();
      }
      scratch = Files.createTempDirectory("sluice-shop-console");
      Path project = scratch.resolve("shop");
      prepare(project, 200);
      adjust.accept(project);
      console = serve(project);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      try {
        if (console != null) {
          console.close();
        }
      } finally {
        if (scratch != null) {
          try (Stream<Path> paths = Files.walk(scratch)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(path);
            }
          }
        }
      }
    }

    /** A folder for the class's own files (browser profiles, outputs), deleted at the end. */
    public Path scratch() {
      return scratch;
    }

    public URI uri() {
      return console.uri();
    }

    public Path project() {
      return console.project();
    }

    public ServeSession session() {
      return console.session();
    }
  }
}
