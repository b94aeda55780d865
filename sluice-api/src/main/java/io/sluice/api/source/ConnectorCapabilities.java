package io.sluice.api.source;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What a connector can do, declared by its factory. The core decides with it (which sources {@code
 * sluice serve} reads continuously, which may stop a run for a missing field) and the reference
 * docs print it, as Vector labels its components with their delivery guarantee.
 *
 * @param positionKind what the positions the connector commits are
 * @param delivery what a batch's records are, over crashes and restarts, when the lake commit and
 *     the position commit are one (the core's protocol): {@link Delivery#EXACTLY_ONCE} when a
 *     restart from committed positions reads exactly the records not landed yet
 * @param nativeFormats formats of {@link NativeFormat} the connector may offer engines ({@code
 *     parquet}, {@code ndjson}); empty when every split is read with {@link SourceConnector#read}
 * @param rereadsQuarantined whether {@link SourceConnector#reread} can parse quarantined records
 *     again (a {@code quarantine replay} after a fix)
 * @param continuous whether new records arrive without anything changing on disk, so that {@code
 *     sluice serve} reads the source in micro-batches (pushed records, a change stream); a {@code
 *     run} drains what is there either way
 * @param changelog whether records may be deletes ({@link RecordSink#deleted}): a source of such a
 *     connector declares a {@code primary-key}, and its clean table is a merge of the changes
 * @param missingFieldStops whether, without a declared drift policy, a declared field that a
 *     split's whole input lacks stops the run before the batch lands (a misspelt {@code from:}):
 *     true for inputs whose fields are fixed per split (a file's header, a table's columns); false
 *     for record streams where a batch may lack an optional field
 * @param pushed whether the source's records are pushed over HTTP to {@code sluice serve} into the
 *     ingest log (the connector gives {@link SourceConnector#push()}); a continuous source that is
 *     not pushed is polled by {@code sluice serve} every {@code serve.trigger-interval}
 */
public record ConnectorCapabilities(
    PositionKind positionKind,
    Delivery delivery,
    Set<String> nativeFormats,
    boolean rereadsQuarantined,
    boolean continuous,
    boolean changelog,
    boolean missingFieldStops,
    boolean pushed) {
  public ConnectorCapabilities {
    requireNonNull(positionKind, "positionKind is null");
    requireNonNull(delivery, "delivery is null");
    nativeFormats = Set.copyOf(nativeFormats);
    if (pushed && !continuous) {
      throw new IllegalArgumentException("a pushed source is continuous");
    }
  }

  /** The capabilities of a connector whose records are not pushed to {@code sluice serve}. */
  public ConnectorCapabilities(
      PositionKind positionKind,
      Delivery delivery,
      Set<String> nativeFormats,
      boolean rereadsQuarantined,
      boolean continuous,
      boolean changelog,
      boolean missingFieldStops) {
    this(
        positionKind,
        delivery,
        nativeFormats,
        rereadsQuarantined,
        continuous,
        changelog,
        missingFieldStops,
        false);
  }

  /** What a committed position is. */
  public enum PositionKind {
    /** The set of files read, each with a fingerprint (size, modification time, checksum). */
    FILE_SET("file set"),
    /** Offsets in a log or stream, per partition. */
    OFFSET("offsets"),
    /** The greatest value seen of one or more cursor columns (a timestamp, a growing id). */
    CURSOR_VALUE("cursor value"),
    /** A database's log sequence number (a write-ahead log or binlog position). */
    LOG_SEQUENCE_NUMBER("log sequence number");

    private final String label;

    PositionKind(String label) {
      this.label = label;
    }

    /** How the docs name it. */
    public String label() {
      return label;
    }
  }

  /** The delivery guarantee of the records a connector reads. */
  public enum Delivery {
    EXACTLY_ONCE("exactly once"),
    AT_LEAST_ONCE("at least once");

    private final String label;

    Delivery(String label) {
      this.label = label;
    }

    /** How the docs name it. */
    public String label() {
      return label;
    }
  }
}
