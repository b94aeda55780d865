package io.sluice.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shell command that README.md and docs/getting-started.md show runs as written and exits 0.
 *
 * <p>Runs in the {@code integration-test} phase of {@code ./mvnw verify} (the command CI runs),
 * after {@code package} built {@code sluice-cli/target/sluice.jar}, so that {@code ./sluice} runs
 * that jar and does not build. Each document's commands run in order with bash, in a fresh folder
 * of their own that holds {@code ./sluice} and {@code ./sluice-cli} as links into this checkout:
 * what they create ({@code sluice-demo}, {@code my-pipeline}) never lands in the checkout. Commands
 * a document marks {@code <!-- docs-check: skip ... -->} are left out (see {@link DocCommands}).
 */
class DocsCommandsIT {
  /** Bound on one command: the demo builds nothing here, but generates and runs a week of data. */
  private static final long TIMEOUT_SECONDS = 300;

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/getting-started.md"})
  void everyCommandRunsAsWritten(String document) throws Exception {
    Path root = checkout();
    Path jar = root.resolve("sluice-cli/target/sluice.jar");
    // Before package (a -Dtest=DocsCommandsIT also applies to the test phase) the jar is missing
    // or older than the classes, and ./sluice would build: only the integration-test phase runs.
    Path classes = root.resolve("sluice-cli/target/classes/io/sluice/cli/Main.class");
    assumeTrue(
        Files.isRegularFile(jar)
            && Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(classes)) >= 0,
        "sluice-cli/target/sluice.jar is not packaged yet: the docs check runs in ./mvnw verify,"
            + " after package");
    List<DocCommands.Command> commands =
        DocCommands.extract(Files.readString(root.resolve(document), StandardCharsets.UTF_8));
    assertThat(commands).as("the shell commands of " + document).isNotEmpty();
    Files.createSymbolicLink(work.resolve("sluice"), root.resolve("sluice"));
    Files.createSymbolicLink(work.resolve("sluice-cli"), root.resolve("sluice-cli"));
    for (DocCommands.Command command : commands) {
      run(document, command);
    }
  }

  private void run(String document, DocCommands.Command command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "command", ".log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-c", command.text())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().remove("SLUICE_DEBUG");
    Process process = builder.start();
    String where = document + " line " + command.line() + ": " + command.text();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          where + "\ndid not finish in " + TIMEOUT_SECONDS + " s; its output:\n" + tail(log));
    }
    assertThat(process.exitValue())
        .as(where + "\nexited with %d; its output:\n%s", process.exitValue(), tail(log))
        .isZero();
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** The checkout's root: the parent of this module's folder, where tests run. */
  private static Path checkout() {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("sluice")).as("the ./sluice launcher").isRegularFile();
    return root;
  }
}
