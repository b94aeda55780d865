package io.sluice.connect.cdc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the messages of PostgreSQL's built-in {@code pgoutput} logical decoding plugin, protocol
 * version 1 (the "Logical Replication Message Formats" chapter of the PostgreSQL manual), with
 * values in text form. Messages other than those below (origin, type, logical message) decode to
 * {@link Other}.
 */
final class PgOutput {
  private PgOutput() {}

  /** One decoded message. */
  sealed interface Message permits Begin, Commit, Relation, Change, Truncate, Other {}

  /**
   * The start of a transaction.
   *
   * @param finalLsn where the transaction's commit record starts
   * @param xid the transaction id
   */
  record Begin(long finalLsn, long commitTimeMicros, int xid) implements Message {}

  /**
   * The end of a transaction.
   *
   * @param commitLsn where its commit record starts
   * @param endLsn where its commit record ends: the position after the transaction
   */
  record Commit(long commitLsn, long endLsn, long commitTimeMicros) implements Message {}

  /** A table's description, sent before its first change in a decoding session. */
  record Relation(int id, String schema, String table, List<Column> columns) implements Message {
    Relation {
      requireNonNull(schema, "schema is null");
      requireNonNull(table, "table is null");
      columns = List.copyOf(columns);
    }

    String qualifiedName() {
      return schema + "." + table;
    }
  }

  /**
   * A column of a {@link Relation}.
   *
   * @param key whether it is part of the table's replica identity
   */
  record Column(String name, int typeOid, boolean key) {}

  /** What a change did. */
  enum Op {
    INSERT,
    UPDATE,
    DELETE
  }

  /**
   * A row's change.
   *
   * @param before the old row of an update or delete when PostgreSQL sends it: the replica identity
   *     columns only ({@code beforeIsKey}), or every column under REPLICA IDENTITY FULL
   * @param after the new row of an insert or update
   */
  record Change(
      Op op, int relation, Optional<Tuple> before, boolean beforeIsKey, Optional<Tuple> after)
      implements Message {}

  /** A TRUNCATE of one or more tables. */
  record Truncate(List<Integer> relations) implements Message {}

  /** A message Sluice has no use for. */
  record Other(char tag) implements Message {}

  /** One value of a tuple. */
  enum Kind {
    NULL,
    /** A TOASTed value that did not change; PostgreSQL does not send it. */
    UNCHANGED,
    TEXT
  }

  /** A row's values, one per column of its relation. */
  record Tuple(Kind[] kinds, String[] values) {
    int size() {
      return values.length;
    }
  }

  /**
   * Decodes one message.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed message
   */
  static Message decode(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data);
    try {
      char tag = (char) in.get();
      return switch (tag) {
        case 'B' -> new Begin(in.getLong(), in.getLong(), in.getInt());
        case 'C' -> {
          in.get(); // flags, unused
          yield new Commit(in.getLong(), in.getLong(), in.getLong());
        }
        case 'R' -> relation(in);
        case 'I' -> {
          int relation = in.getInt();
          expect(in, 'N');
          yield new Change(Op.INSERT, relation, Optional.empty(), false, Optional.of(tuple(in)));
        }
        case 'U' -> {
          int relation = in.getInt();
          char next = (char) in.get();
          Optional<Tuple> before = Optional.empty();
          boolean key = false;
          if (next == 'K' || next == 'O') {
            key = next == 'K';
            before = Optional.of(tuple(in));
            next = (char) in.get();
          }
          if (next != 'N') {
            throw new IllegalArgumentException("update without a new tuple (found '" + next + "')");
          }
          yield new Change(Op.UPDATE, relation, before, key, Optional.of(tuple(in)));
        }
        case 'D' -> {
          int relation = in.getInt();
          char next = (char) in.get();
          if (next != 'K' && next != 'O') {
            throw new IllegalArgumentException(
                "delete without an old tuple (found '" + next + "')");
          }
          yield new Change(
              Op.DELETE, relation, Optional.of(tuple(in)), next == 'K', Optional.empty());
        }
        case 'T' -> {
          int count = in.getInt();
          in.get(); // options (CASCADE, RESTART IDENTITY), unused
          List<Integer> relations = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            relations.add(in.getInt());
          }
          yield new Truncate(relations);
        }
        default -> new Other(tag);
      };
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated pgoutput message of " + data.length + " bytes");
    }
  }

  private static Relation relation(ByteBuffer in) {
    int id = in.getInt();
    String schema = string(in);
    String table = string(in);
    in.get(); // replica identity setting, unused: the column flags say which columns are keys
    int count = in.getShort() & 0xFFFF;
    List<Column> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean key = (in.get() & 1) != 0;
      String name = string(in);
      int type = in.getInt();
      in.getInt(); // type modifier, unused
      columns.add(new Column(name, type, key));
    }
    return new Relation(id, schema, table, columns);
  }

  private static Tuple tuple(ByteBuffer in) {
    int count = in.getShort() & 0xFFFF;
    Kind[] kinds = new Kind[count];
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      char kind = (char) in.get();
      switch (kind) {
        case 'n' -> kinds[i] = Kind.NULL;
        case 'u' -> kinds[i] = Kind.UNCHANGED;
        case 't' -> {
          int length = in.getInt();
          byte[] bytes = new byte[length];
          in.get(bytes);
          kinds[i] = Kind.TEXT;
          values[i] = new String(bytes, UTF_8);
        }
        default -> throw new IllegalArgumentException("unknown tuple value kind '" + kind + "'");
      }
    }
    return new Tuple(kinds, values);
  }

  private static void expect(ByteBuffer in, char expected) {
    char found = (char) in.get();
    if (found != expected) {
      throw new IllegalArgumentException("expected '" + expected + "', found '" + found + "'");
    }
  }

  private static String string(ByteBuffer in) {
    int start = in.position();
    while (in.get() != 0) {
      // scan to the terminating NUL
    }
    return new String(in.array(), start, in.position() - start - 1, UTF_8);
  }
}
