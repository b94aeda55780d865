package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.SluiceException;
import io.sluice.core.project.Project;
import io.sluice.core.project.TestProject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthErrorTest {
  @TempDir Path dir;
  private HealthError errors;

  @BeforeEach
  void load() {
    Project project =
        new TestProject(dir)
            .file("sluice.yaml", "name: shop\n")
            .file(
                "sources/orders.yaml",
                "path: data/orders.csv\ncolumns:\n  - name: id\n  - name: email\n")
            .file("data/orders.csv", "id,email\n")
            .file("models/daily.sql", "SELECT 1 AS n\n")
            .load();
    errors = new HealthError(project);
  }

  @Test
  void keepsTheFirstLineAndNamesButNotQuotedValuesOrSql() {
    SluiceException failure =
        SluiceException.user(
            "Model 'daily' failed: Conversion Error: Could not convert string 'bob@example.com'"
                + " to INT32 when casting from source column \"email\"\n\n"
                + "LINE 1: CREATE TABLE daily AS SELECT CAST(email AS INTEGER) FROM lake.orders");

    assertThat(errors.describe(failure))
        .containsEntry("category", "user")
        .containsEntry(
            "message",
            "Model 'daily' failed: Conversion Error: Could not convert string '…' to INT32 when"
                + " casting from source column \"email\"");
  }

  @Test
  void writesPathsRelativeToTheProjectAndOthersAsTheirFileName() {
    assertThat(
            errors.redact(
                "Cannot read "
                    + dir.resolve("data/orders.csv")
                    + " line 17: see /home/someone/.cache/sluice/trace.txt"))
        .isEqualTo("Cannot read data/orders.csv line 17: see …/trace.txt");
    assertThat(errors.redact("file 'data/orders.csv' changed"))
        .isEqualTo("file 'data/orders.csv' changed");
  }

  @Test
  void hidesLongNumbersAndUnknownQuotedTextAndNamesAnInternalFailuresType() {
    assertThat(errors.redact("Overflow in multiplication of INT32 (123456789 * 100)!"))
        .isEqualTo("Overflow in multiplication of INT32 (# * 100)!");
    assertThat(errors.describe(new IllegalStateException("duplicate key \"4111111111111111\"")))
        .containsEntry("category", "internal")
        .containsEntry("message", "IllegalStateException: duplicate key \"…\"");
  }
}
