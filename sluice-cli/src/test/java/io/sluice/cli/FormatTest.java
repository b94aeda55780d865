package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {
  @Test
  void percentNeverRoundsAFailedRowAwayOrAValidRowToNothing() {
    assertThat(Format.percent(49_999.0 / 50_000)).isEqualTo("99.99%");
    assertThat(Format.percent(1.0)).isEqualTo("100.00%");
    assertThat(Format.percent(1.0 / 50_000)).isEqualTo("0.01%");
    assertThat(Format.percent(0.0)).isEqualTo("0.00%");
    assertThat(Format.percent(0.5)).isEqualTo("50.00%");
    assertThat(Format.percent(0.98765)).isEqualTo("98.77%");
  }
}
