package io.sluice.bench;

import java.math.BigDecimal;

/**
 * What the harness compares between systems: rows landed (valid), rows quarantined, rows of the
 * hourly aggregate, and the sum of amounts over the aggregate.
 */
record Counts(long valid, long quarantined, long groups, BigDecimal amount) {
  Counts {
    amount = amount == null ? BigDecimal.ZERO.setScale(2) : amount.setScale(2);
  }

  boolean sameAs(Counts other) {
    return valid == other.valid
        && quarantined == other.quarantined
        && groups == other.groups
        && amount.compareTo(other.amount) == 0;
  }

  @Override
  public String toString() {
    return String.format(
        "valid %,d, quarantined %,d, aggregate rows %,d, amount %s",
        valid, quarantined, groups, amount.toPlainString());
  }
}
