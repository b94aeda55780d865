package io.sluice.core.lineage;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The OpenLineage run event schema (spec 2-0-2 and the facets Sluice emits, restated by hand in
 * {@code openlineage/run-event-2-0-2.schema.json}), checking formats too (uuid, uri, date-time).
 */
final class OpenLineageSchema {
  private static final Schema SCHEMA = load();

  private OpenLineageSchema() {}

  private static Schema load() {
    try (InputStream in =
        OpenLineageSchema.class.getResourceAsStream("/openlineage/run-event-2-0-2.schema.json")) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with {@code json} as a run event, one message per problem; empty when valid. */
  static List<String> problems(String json) {
    List<Error> errors =
        SCHEMA.validate(
            json,
            InputFormat.JSON,
            (context, schemaContext) ->
                context.executionConfig(config -> config.formatAssertionsEnabled(true)));
    return errors.stream().map(Error::toString).toList();
  }
}
