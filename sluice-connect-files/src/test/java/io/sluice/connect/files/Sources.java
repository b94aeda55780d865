package io.sluice.connect.files;

import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.api.source.SourceField;
import io.sluice.api.source.Split;
import io.sluice.api.source.SplitPlan;
import io.sluice.core.testing.CollectingSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@code files} sources over real files for tests. */
final class Sources {
  static final String NAME = "orders";

  private Sources() {}

  /** A context whose fields are named like their paths. */
  static SourceContext context(Path project, Map<String, Object> options, String... fieldPaths) {
    List<SourceField> fields =
        Arrays.stream(fieldPaths).map(path -> new SourceField(path, path)).toList();
    return new SourceContext(NAME, project, options, fields);
  }

  static SourceConnector connector(Path project, Map<String, Object> options, String... paths) {
    return new FilesConnectorFactory().create(context(project, options, paths));
  }

  /** A connector with a small record size limit. */
  static SourceConnector connector(
      int maxRecordSize, Path project, Map<String, Object> options, String... paths) {
    SourceContext context = context(project, options, paths);
    return new FilesConnector(context, FilesOptions.parse(context), maxRecordSize);
  }

  /** Plans with nothing committed and reads every split into one sink. */
  static CollectingSink readAll(SourceConnector connector) {
    CollectingSink sink = new CollectingSink();
    SplitPlan plan = connector.plan(Map.of());
    for (Split split : plan.splits()) {
      connector.read(split, sink);
    }
    return sink;
  }

  /** Reads one file's text as a source with the given options (plus {@code path}). */
  static CollectingSink read(
      Path project, String file, String content, Map<String, Object> options, String... paths) {
    write(project, file, content);
    Map<String, Object> all = new LinkedHashMap<>(options);
    all.put("path", file);
    return readAll(connector(project, all, paths));
  }

  static Path write(Path project, String file, String content) {
    return write(project, file, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path project, String file, byte[] content) {
    try {
      Path path = project.resolve(file);
      Files.createDirectories(path.getParent());
      return Files.write(path, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else if (part instanceof Integer b) {
        out.write(b);
      } else if (part instanceof byte[] raw) {
        out.writeBytes(raw);
      } else {
        throw new IllegalArgumentException(String.valueOf(part));
      }
    }
    return out.toByteArray();
  }
}
