package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model's state as the engine keeps it: read back, including states written before builtAt. */
class ModelStateTest {
  @Test
  void aStateReadsBackWithItsBuildTime() {
    PipelineRunner.ModelState state =
        new PipelineRunner.ModelState("f", "t", Map.of("orders", 7L), "2026-03-29T05:00:00Z");

    PipelineRunner.ModelState read = PipelineRunner.ModelState.parse(StateStore.toJson(state));

    assertThat(read).isEqualTo(state);
    assertThat(read.lastBuilt()).contains(Instant.parse("2026-03-29T05:00:00Z"));
    assertThat(StateStore.toJson(state))
        .isEqualTo(
            "{\"fingerprint\":\"f\",\"template\":\"t\",\"snapshots\":{\"orders\":7},"
                + "\"builtAt\":\"2026-03-29T05:00:00Z\"}");
  }

  @Test
  void aStateWrittenBeforeBuildTimesWereRecordedHasNoBuildTime() {
    PipelineRunner.ModelState read =
        PipelineRunner.ModelState.parse(
            "{\"fingerprint\":\"f\",\"template\":\"t\",\"snapshots\":{\"orders\":7}}");

    assertThat(read.fingerprint()).isEqualTo("f");
    assertThat(read.snapshots()).containsEntry("orders", 7L);
    assertThat(read.builtAt()).isEmpty();
    assertThat(read.lastBuilt()).isEmpty();
  }
}
