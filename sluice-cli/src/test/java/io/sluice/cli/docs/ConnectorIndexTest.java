package io.sluice.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.ConnectorFactory;
import io.sluice.core.config.ConnectorReference;
import io.sluice.core.config.ReferenceDocs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The index of the connector pages lists every connector installed with {@code sluice} (the
 * connectors on this module's class path), and each has its page.
 */
class ConnectorIndexTest {
  private static final String REGENERATE =
      "./mvnw -q -B -o test -pl sluice-cli -am -Dtest=ConnectorIndexTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + ReferenceDocs.REGENERATE_PROPERTY
          + "=true";

  /** The connectors shipped with sluice: those of this module's tests (test-classes) are not. */
  private static List<ConnectorFactory> installed() {
    return ServiceLoader.load(ConnectorFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(factory -> !fromTestClasses(factory))
        .toList();
  }

  private static boolean fromTestClasses(ConnectorFactory factory) {
    java.security.CodeSource source = factory.getClass().getProtectionDomain().getCodeSource();
    return source != null && source.getLocation().getPath().contains("/test-classes/");
  }

  @Test
  void theCommittedIndexListsEveryInstalledConnector() throws IOException {
    Path root = ReferenceDocs.repositoryRoot(Path.of(""));
    String index = ConnectorReference.index(installed(), REGENERATE);
    if (Boolean.getBoolean(ReferenceDocs.REGENERATE_PROPERTY)) {
      ConnectorReference.write(root, Map.of(ConnectorReference.INDEX, index));
    }
    Path file = root.resolve(ConnectorReference.INDEX);
    String committed =
        Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(missing)";

    assertThat(committed)
        .as(
            "%s is out of date: run `%s` from the repository root to regenerate it",
            ConnectorReference.INDEX, REGENERATE)
        .isEqualTo(index);
  }

  @Test
  void everyInstalledConnectorHasItsPageAndSchema() {
    Path root = ReferenceDocs.repositoryRoot(Path.of(""));
    assertThat(installed()).isNotEmpty();
    for (ConnectorFactory factory : installed()) {
      assertThat(root.resolve(ConnectorReference.pagePath(factory)))
          .as(
              "the page of connector %s, written by its module's ConnectorContractTest",
              factory.name())
          .isRegularFile();
      assertThat(root.resolve(ConnectorReference.schemaPath(factory)))
          .as("the option schema of connector %s", factory.name())
          .isRegularFile();
    }
  }
}
