package io.sluice.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DocCommandsTest {
  @Test
  void takesTheLinesOfBashBlocksOnly() {
    String markdown =
        """
        # Title

        ```bash
        ./sluice demo        # builds Sluice
                             # and runs it
        ./sluice query -p x \\
          "SELECT 1"
        ```

        ```
        sluice-demo/
          sluice.yaml
        ```

        ```sql
        SELECT 2
        ```
        """;

    assertThat(DocCommands.extract(markdown))
        .containsExactly(
            new DocCommands.Command(4, "./sluice demo        # builds Sluice"),
            new DocCommands.Command(6, "./sluice query -p x \\\n\"SELECT 1\""));
  }

  @Test
  void skipMarkerLeavesOutTheCommandsItNames() {
    String markdown =
        """
        <!-- docs-check: skip ./mvnw verify (it runs this check) -->
        ```bash
        ./sluice demo
        ./mvnw verify        # every test
        ```
        """;

    assertThat(DocCommands.extract(markdown))
        .containsExactly(new DocCommands.Command(3, "./sluice demo"));
  }

  @Test
  void aMarkerThatNoLongerAppliesIsAnError() {
    assertThatThrownBy(
            () ->
                DocCommands.extract(
                    "<!-- docs-check: skip ./mvnw verify (why) -->\n```bash\n./sluice demo\n```\n"))
        .hasMessageContaining("skips './mvnw verify', no command of the block");
    assertThatThrownBy(
            () ->
                DocCommands.extract(
                    "<!-- docs-check: skip ./mvnw (why) -->\ntext\n```bash\n./mvnw verify\n```\n"))
        .hasMessageContaining("line 1: a docs-check marker must come right before");
    assertThatThrownBy(() -> DocCommands.extract("<!-- docs-check: run slowly -->\n"))
        .hasMessageContaining("unknown docs-check marker 'run slowly'");
  }
}
