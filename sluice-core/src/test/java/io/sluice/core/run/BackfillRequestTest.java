package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.SluiceException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillRequestTest {
  private static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
  private static final LocalDate LAST = LocalDate.of(2024, 3, 7);

  private static BackfillRequest request(
      List<String> select, BackfillRequest.Mode mode, int parallel) {
    return new BackfillRequest(FIRST, LAST, select, List.of(), mode, parallel);
  }

  @Test
  void theSameDaysAndSelectorsHaveTheSameIdWhateverTheModeAndParallelism() {
    BackfillRequest plain = request(List.of(), BackfillRequest.Mode.MISSING, 1);
    assertThat(plain.id()).isEqualTo("bf-20240301-20240307");
    assertThat(request(List.of(), BackfillRequest.Mode.ALL, 4).id()).isEqualTo(plain.id());
    String selected = request(List.of("orders+"), BackfillRequest.Mode.MISSING, 1).id();
    assertThat(selected).matches("bf-20240301-20240307-[0-9a-f]{8}");
    assertThat(request(List.of("customers"), BackfillRequest.Mode.MISSING, 1).id())
        .isNotEqualTo(selected);
  }

  @Test
  void coversWholeUtcDaysBothIncluded() {
    BackfillRequest request = request(List.of(), BackfillRequest.Mode.MISSING, 1);
    assertThat(request.days()).hasSize(7).startsWith(FIRST).endsWith(LAST);
    assertThat(request.window())
        .isEqualTo(
            new RunRequest.Window(
                Instant.parse("2024-03-01T00:00:00Z"), Instant.parse("2024-03-08T00:00:00Z")));
  }

  @Test
  void refusesWhatCannotBeRun() {
    assertThatThrownBy(
            () ->
                new BackfillRequest(LAST, FIRST, List.of(), List.of(), BackfillRequest.Mode.ALL, 1))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("--from is after --to");
    assertThatThrownBy(() -> request(List.of(), BackfillRequest.Mode.ALL, 0))
        .hasMessageContaining("--parallel 0");
    assertThatThrownBy(
            () ->
                new BackfillRequest(
                    FIRST, FIRST.plusYears(20), List.of(), List.of(), BackfillRequest.Mode.ALL, 1))
        .hasMessageContaining("more than the 3660 one backfill covers");
    assertThatThrownBy(() -> BackfillRequest.Mode.parse("latest"))
        .hasMessageContaining("Unknown backfill mode 'latest'");
    assertThatThrownBy(() -> BackfillRequest.day("--to", "7 March"))
        .hasMessageContaining("Cannot read --to '7 March'");
    assertThat(BackfillRequest.Mode.parse("failed")).isEqualTo(BackfillRequest.Mode.FAILED);
  }

  @Test
  void aRunRequestsWindowIsTheBackfillOfItsDays() {
    RunRequest run =
        new RunRequest(
            List.of("events+"),
            List.of(),
            false,
            java.util.Optional.of(
                new RunRequest.Window(
                    Instant.parse("2024-03-01T00:00:00Z"), Instant.parse("2024-03-03T00:00:00Z"))),
            "schedule:nightly");
    BackfillRequest backfill = BackfillRequest.of(run);
    assertThat(backfill.days()).containsExactly(FIRST, FIRST.plusDays(1));
    assertThat(backfill.select()).containsExactly("events+");
    assertThat(backfill.mode()).isEqualTo(BackfillRequest.Mode.MISSING);

    RunRequest unaligned =
        new RunRequest(
            List.of(),
            List.of(),
            false,
            java.util.Optional.of(
                new RunRequest.Window(
                    Instant.parse("2024-03-01T06:00:00Z"), Instant.parse("2024-03-03T00:00:00Z"))),
            "api");
    assertThatThrownBy(() -> BackfillRequest.of(unaligned))
        .hasMessageContaining("must start and end at midnight UTC");
  }
}
