package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.source.RecordSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner's sinks between a connector and the engine pass deletes on, not drop or refuse them.
 */
class ChangeSinksTest {
  private static final class Recording implements RecordSink {
    final List<String> calls = new ArrayList<>();

    @Override
    public void record(long position, String original, String[] values) {
      calls.add("record " + position);
    }

    @Override
    public void malformed(long position, String original, String reason) {
      calls.add("malformed " + position);
    }

    @Override
    public void rejected(long position, String original, String rule, String reason) {
      calls.add("rejected " + position + " " + rule);
    }

    @Override
    public void deleted(long position, String original, String[] values) {
      calls.add("deleted " + position + " " + values[0]);
    }
  }

  @Test
  void progressPassesDeletesOnAndCountsTheirBytes() {
    Recording engine = new Recording();
    List<Long> progress = new ArrayList<>();
    ProgressSink sink = new ProgressSink(engine, progress::add);

    sink.deleted(7, "{\"id\":1}", new String[] {"1"});
    sink.finish(100);

    assertThat(engine.calls).containsExactly("deleted 7 1");
    assertThat(progress).containsExactly(100L);
  }

  @Test
  void aDriftedSplitQuarantinesItsDeletesUnderSchemaDrift() {
    Recording engine = new Recording();
    new DriftQuarantineSink(engine, "drifted").deleted(3, "{\"id\":1}", new String[] {"1"});

    assertThat(engine.calls).containsExactly("rejected 3 schema_drift");
  }
}
