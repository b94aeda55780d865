package io.sluice.core.run;

import io.sluice.api.source.RecordSink;
import io.sluice.api.source.Split;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Sends every record of a split that drifted to quarantine under rule {@code schema_drift} (policy
 * {@code quarantine}), deletes too; malformed input stays malformed, and records a function
 * rejected keep their rule.
 */
final class DriftQuarantineSink implements RecordSink {
  static final String RULE = "schema_drift";

  private final RecordSink delegate;
  private final String reason;

  DriftQuarantineSink(RecordSink delegate, String reason) {
    this.delegate = delegate;
    this.reason = reason;
  }

  /** The quarantine message for the records of {@code split}: its drift, one clause each. */
  static String reason(Split split, List<SchemaDrift.Event> events) {
    return "the file's fields differ from the declared columns (schema-drift.policy is"
        + " quarantine): "
        + events.stream()
            .filter(event -> event.file().equals(split.key()))
            .map(event -> event.describe().substring(event.file().length() + 2))
            .map(text -> text.substring(0, text.lastIndexOf(" -> ")))
            .collect(Collectors.joining("; "));
  }

  @Override
  public void record(long position, String original, String[] values) {
    delegate.rejected(position, original, RULE, reason);
  }

  /** A delete of a drifted split is quarantined like its records: the key stays as it was. */
  @Override
  public void deleted(long position, String original, String[] values) {
    delegate.rejected(position, original, RULE, reason);
  }

  @Override
  public void malformed(long position, String original, String why) {
    delegate.malformed(position, original, why);
  }

  @Override
  public void rejected(long position, String original, String rule, String why) {
    delegate.rejected(position, original, rule, why);
  }
}
