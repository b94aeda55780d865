package io.sluice.connect.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceConnector.Original;
import io.sluice.core.testing.CollectingSink;
import io.sluice.core.testing.CollectingSink.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SourceConnector#reread}: quarantined originals parsed again, one record each. */
class RereadTest {
  @TempDir Path project;

  private CollectingSink reread(SourceConnector connector, String key, Original... originals) {
    CollectingSink sink = new CollectingSink();
    connector.reread(key, List.of(originals), sink);
    return sink;
  }

  @Test
  void csvRecordsAreReadAfterTheHeaderOfTheirFileAtTheirOwnPositions() {
    Sources.write(project, "data/orders.csv", "# export\nstatus;id\npaid;1\n");
    SourceConnector connector =
        Sources.connector(
            project,
            Map.of("path", "data/orders.csv", "csv", Map.of("delimiter", ";", "skip-lines", 1)),
            "id",
            "status");

    CollectingSink sink =
        reread(
            connector,
            "data/orders.csv",
            new Original(7, "\"two\nlines\";2", true),
            new Original(9, "\"open;3", true),
            new Original(12, "lost;4\nlost;5", true),
            new Original(14, "refunded;6", true));

    assertThat(sink.events())
        .extracting(Event::position, Event::original, Event::values)
        .containsExactly(
            tuple(7L, "\"two\nlines\";2", List.of("2", "two\nlines")),
            tuple(9L, "\"open;3", null),
            tuple(12L, "lost;4\nlost;5", null),
            tuple(14L, "refunded;6", List.of("6", "refunded")));
    assertThat(sink.malformed().get(1).reason()).isEqualTo("the text holds 2 CSV records, not one");
  }

  @Test
  void csvWithAHeaderNeedsItsFile() throws Exception {
    Path file = Sources.write(project, "data/orders.csv", "id,status\n1,paid\n");
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "data/orders.csv"), "id", "status");
    Files.delete(file);

    assertThatThrownBy(() -> reread(connector, "data/orders.csv", new Original(2, "2,x", true)))
        .isInstanceOfSatisfying(
            SluiceException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("cannot replay the quarantined CSV records of 'data/orders.csv'")
        .hasMessageContaining("the file is gone");
  }

  @Test
  void csvWithoutAHeaderNeedsNoFile() {
    SourceConnector connector =
        Sources.connector(
            project,
            Map.of("path", "data/*.csv", "csv", Map.of("header", false)),
            "column2",
            "column1");

    CollectingSink sink = reread(connector, "data/gone.csv", new Original(3, "1,paid", true));

    assertThat(sink.values()).containsExactly(List.of("paid", "1"));
    assertThat(sink.positions()).containsExactly(3L);
  }

  @Test
  void jsonRecordsAreParsedOnTheirOwnEvenOverSeveralLines() {
    SourceConnector connector =
        Sources.connector(project, Map.of("path", "data/*.json"), "id", "status");

    CollectingSink sink =
        reread(
            connector,
            "data/orders.json",
            new Original(1, "{\"id\": 1,\n \"status\": \"paid\"}", true),
            new Original(1, "{\"id\": 2, \"status\": ", true),
            new Original(4, "[1]", false));

    assertThat(sink.events())
        .extracting(Event::position, Event::values)
        .containsExactly(tuple(1L, List.of("1", "paid")), tuple(1L, null), tuple(4L, null));
    assertThat(sink.malformed().get(1).reason()).isEqualTo("expected a JSON object, found array");
  }
}
