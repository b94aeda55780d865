package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void bytesBelowAKibibyteAreWholeAndLargerOnesHaveOneDecimal() {
    assertThat(Sizes.format(0)).isEqualTo("0 B");
    assertThat(Sizes.format(1023)).isEqualTo("1023 B");
    assertThat(Sizes.format(1024)).isEqualTo("1.0 KiB");
    assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.format(3L * 1024 * 1024 * 1024 + 200L * 1024 * 1024)).isEqualTo("3.2 GiB");
    assertThat(Sizes.format(5000L * 1024 * 1024 * 1024 * 1024)).isEqualTo("5000.0 TiB");
  }
}
