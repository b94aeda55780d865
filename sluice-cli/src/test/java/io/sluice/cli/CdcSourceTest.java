package io.sluice.cli;

import static io.sluice.cli.Sluice.sluice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code connector: cdc} source in a project, as {@code sluice validate} checks it. */
class CdcSourceTest {
  @TempDir Path temp;
  private Path project;

  @BeforeEach
  void createProject() throws Exception {
    project = temp.resolve("p");
    Files.createDirectories(project.resolve("sources"));
    Files.writeString(project.resolve("sluice.yaml"), "name: p\n");
  }

  @Test
  void validateReportsAMisspeltCdcOptionWithItsLineAndADidYouMean() throws Exception {
    Files.writeString(
        project.resolve("sources/orders.yaml"),
        """
        connector: cdc
        cdc:
          url: jdbc:postgresql://127.0.0.1:5432/shop
          tabels: [public.orders]
          password-env: SHOP_PASSWORD
          password-file: secrets/shop
        columns:
          - {name: id, type: integer}
        """);

    Sluice.Result result = sluice("validate", "-p", project.toString());

    assertThat(result.exit()).isNotZero();
    assertThat(result.err())
        .contains(
            "sources/orders.yaml:3:3: missing required key 'tables' in cdc",
            "sources/orders.yaml:4:3: unknown key 'tabels' in cdc (did you mean 'tables'?)",
            "sources/orders.yaml:6:3: set either password-env or password-file in cdc, not both")
        .doesNotContain("SHOP_PASSWORD=");
  }
}
