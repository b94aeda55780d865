package io.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleProjectTest {
  // Surefire runs in the module folder; the example lives next to it.
  private static final Path SOURCE = Path.of("../examples/shop");

  @TempDir Path tmp;

  @Test
  void copiesTheExampleProjectFromTheClassPath() throws IOException {
    assertThat(ExampleProject.copyTo(tmp))
        .contains(
            "sluice.yaml",
            "sources/orders.yaml",
            "sources/clicks.yaml",
            "sources/customers.yaml",
            "models/daily_revenue.sql",
            "models/funnel.sql",
            "models/orders_enriched.sql",
            "models/schema.yml",
            "tests/no_negative_revenue.sql")
        .isSorted()
        .allSatisfy(
            file ->
                assertThat(Files.readString(tmp.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readString(SOURCE.resolve(file))))
        .noneMatch(file -> file.startsWith("data/") || file.startsWith("."));
  }

  @Test
  void overwritesAnEarlierCopy() throws IOException {
    ExampleProject.copyTo(tmp);
    Files.writeString(tmp.resolve("sluice.yaml"), "changed");

    ExampleProject.copyTo(tmp);

    assertThat(Files.readString(tmp.resolve("sluice.yaml")))
        .isEqualTo(Files.readString(SOURCE.resolve("sluice.yaml")));
  }
}
