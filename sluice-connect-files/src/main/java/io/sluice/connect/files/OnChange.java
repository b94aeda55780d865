package io.sluice.connect.files;

import java.util.Optional;

/** What planning does with a file that was already landed and has changed since. */
enum OnChange {
  /** Stop with an error naming the file; the default, because a changed input is suspicious. */
  FAIL("fail"),
  /** Leave the file out and say so in {@link io.sluice.api.source.SplitPlan#skipped()}. */
  SKIP("skip"),
  /** Read the file again as a new split: its records are landed a second time. */
  APPEND("append");

  private final String optionValue;

  OnChange(String optionValue) {
    this.optionValue = optionValue;
  }

  String optionValue() {
    return optionValue;
  }

  static Optional<OnChange> fromOptionValue(String value) {
    for (OnChange policy : values()) {
      if (policy.optionValue.equals(value)) {
        return Optional.of(policy);
      }
    }
    return Optional.empty();
  }
}
