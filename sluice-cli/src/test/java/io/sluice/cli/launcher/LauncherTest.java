package io.sluice.cli.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./sluice} launcher's freshness check ({@code stale} in the script at the repository
 * root) and the fingerprint its class-data archive is keyed by ({@code cds_fingerprint}), run by
 * bash on a small copy of the repository's layout whose file times are set, not waited for.
 */
class LauncherTest {
  private static final Path SCRIPT = Path.of("../sluice").toAbsolutePath().normalize();
  private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path repo;
  private Path jar;

  @BeforeEach
  void layout() throws IOException {
    write("pom.xml", BUILT.minusSeconds(60));
    write("sluice-core/pom.xml", BUILT.minusSeconds(60));
    write("sluice-core/src/main/java/io/sluice/core/data/Thing.java", BUILT.minusSeconds(60));
    write("examples/shop/sluice.yaml", BUILT.minusSeconds(60));
    write("examples/shop/models/orders.sql", BUILT.minusSeconds(60));
    jar = write("sluice-cli/target/sluice.jar", BUILT);
  }

  @Test
  void aFreshJarIsNotRebuilt() throws Exception {
    assertThat(stale()).isFalse();
  }

  @Test
  void aCommandThatRanOnTheExampleDoesNotMakeTheJarStale() throws Exception {
    // What `sluice run -p examples/shop` leaves: state, generated data, newer folder times.
    Instant later = BUILT.plusSeconds(60);
    write("examples/shop/.sluice/warehouse.duckdb", later);
    write("examples/shop/.sluice/lake/catalog.db", later);
    write("examples/shop/data/orders/2026-01-01.csv", later);
    write("examples/shop/target/x", later);
    write("examples/shop/models/.orders.sql.swp", later);
    write("bench/work/file", later);
    write("sluice-core/target/classes/Thing.class", later);
    write("sluice-demo/sluice.yaml", later);
    for (String folder :
        List.of("examples/shop", "examples/shop/.sluice", "examples/shop/models", "examples")) {
      Files.setLastModifiedTime(repo.resolve(folder), FileTime.from(later));
    }

    assertThat(stale()).isFalse();
  }

  @Test
  void anEditedSourceMakesTheJarStale() throws Exception {
    write("sluice-core/src/main/java/io/sluice/core/data/Thing.java", BUILT.plusSeconds(60));

    assertThat(stale()).isTrue();
  }

  @Test
  void anEditedExampleDefinitionMakesTheJarStale() throws Exception {
    write("examples/shop/models/orders.sql", BUILT.plusSeconds(60));

    assertThat(stale()).isTrue();
  }

  @Test
  void anEditedPomMakesTheJarStale() throws Exception {
    write("sluice-core/pom.xml", BUILT.plusSeconds(60));

    assertThat(stale()).isTrue();
  }

  @Test
  void aMissingJarIsBuilt() throws Exception {
    Files.delete(jar);

    assertThat(stale()).isTrue();
  }

  @Test
  void theArchiveFingerprintIsStableWhileNothingChanged() throws Exception {
    write("sluice-cli/target/lib/library-1.0.jar", BUILT.minusSeconds(3600));

    assertThat(cdsFingerprint()).isEqualTo(cdsFingerprint());
  }

  @Test
  void aLibraryReplacedByAnOlderFileChangesTheArchiveFingerprint() throws Exception {
    // Maven copies libraries into lib/ with their times from the local repository: a changed
    // library can be older than the archive, and the JVM would silently ignore the archive.
    Path library = write("sluice-cli/target/lib/library-1.0.jar", BUILT.minusSeconds(3600));
    String before = cdsFingerprint();

    Files.writeString(library, "another build of the library", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(library, FileTime.from(BUILT.minusSeconds(7200)));

    assertThat(cdsFingerprint()).isNotEqualTo(before);
  }

  @Test
  void aRebuiltJarChangesTheArchiveFingerprint() throws Exception {
    String before = cdsFingerprint();

    Files.setLastModifiedTime(jar, FileTime.from(BUILT.plusSeconds(1)));

    assertThat(cdsFingerprint()).isNotEqualTo(before);
  }

  private Path write(String file, Instant time) throws IOException {
    Path path = repo.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, file, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(path, FileTime.from(time));
    return path;
  }

  /** Sources the launcher and asks {@code cds_fingerprint} for the layout's jars and this JDK. */
  private String cdsFingerprint() throws Exception {
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; source \"$1\"; here=\"$2\"; jar=\"$3\"; java_cmd=java;"
                    + " cds_fingerprint",
                "launcher-test",
                SCRIPT.toString(),
                repo.toString(),
                jar.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).as("bash finished").isTrue();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.exitValue()).as(output).isZero();
    assertThat(output.strip()).matches("[0-9]+");
    return output.strip();
  }

  /** Sources the launcher (which then only defines its functions) and asks {@code stale}. */
  private boolean stale() throws Exception {
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; source \"$1\"; here=\"$2\"; jar=\"$3\"; if stale; then echo"
                    + " stale; else echo fresh; fi",
                "launcher-test",
                SCRIPT.toString(),
                repo.toString(),
                jar.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).as("bash finished").isTrue();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.exitValue()).as(output).isZero();
    assertThat(output.strip()).isIn("stale", "fresh");
    return output.strip().equals("stale");
  }
}
