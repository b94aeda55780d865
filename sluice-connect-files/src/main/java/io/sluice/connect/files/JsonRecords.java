package io.sluice.connect.files;

import io.sluice.api.source.ObservedField;
import io.sluice.api.source.SourceField;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Extracts fields from JSON object records as the {@code files} connector does (dotted paths,
 * values as text), for connectors that receive JSON records another way (pushed, from a log).
 */
public final class JsonRecords {
  private final JsonReader reader;

  private JsonRecords(JsonReader reader) {
    this.reader = reader;
  }

  /**
   * A reader of {@code fields} from UTF-8 JSON objects of at most 16 MiB.
   *
   * @param sourceName the source, for messages
   */
  public static JsonRecords of(String sourceName, List<SourceField> fields) {
    return new JsonRecords(
        new JsonReader(sourceName, JsonOptions.defaults(), fields, FilesConnector.MAX_RECORD_SIZE));
  }

  /**
   * One value per field, as text; null where the record has no value.
   *
   * @throws IOException when {@code json} is not one JSON object
   */
  public String[] extract(String json) throws IOException {
    return reader.extract(json);
  }

  /**
   * Collects the fields of JSON object records one at a time, with the widest kind of value seen
   * for each leaf path (as {@code observe} gives for JSON files); holds the paths, not the records.
   */
  public static final class Observer {
    private final JsonSchemaScanner scanner =
        new JsonSchemaScanner(StandardCharsets.UTF_8, FilesConnector.MAX_RECORD_SIZE);
    private final FieldKinds kinds = new FieldKinds();

    /** Adds one record: a JSON object's text. */
    public void add(String record) {
      scanner.record(record, kinds);
    }

    /** The fields seen so far, in the order first seen. */
    public List<ObservedField> fields() {
      return kinds.fields();
    }
  }
}
