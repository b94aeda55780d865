package io.sluice.api.source;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Creates {@link SourceConnector}s; found with {@link java.util.ServiceLoader}.
 *
 * <p>A factory owns everything about its connector: its name, its options (declared in the same
 * strict configuration model the core's own files use, so that a source file is checked as a whole,
 * every problem with file:line:col and a did-you-mean), its capabilities and its generated
 * reference page. The core knows no connector by name.
 */
public interface ConnectorFactory {
  /** The name used in a source file ({@code connector: files}): lower case letters and digits. */
  String name();

  /** One sentence for the reference docs and {@code sluice validate}'s listing. */
  String description();

  /**
   * The keys this connector adds to a source file, beside the core's own ({@code columns}, {@code
   * checks}, ...). A connector with several options declares one section named after itself ({@code
   * jdbc: {url: ..., table: ...}}); the keys must not collide with the core's.
   */
  ConfigDef options();

  /** What the connector can do, for the core, the docs and the user. */
  ConnectorCapabilities capabilities();

  /**
   * Whether this is the connector of a source file that names none. At most one installed connector
   * says so; the default is false.
   */
  default boolean isDefault() {
    return false;
  }

  /**
   * Checks what spans several of this connector's keys in a checked source file, reporting every
   * problem, and returns the options a connector is created with ({@link SourceContext#options}).
   * Called only when the source file's keys are individually valid.
   *
   * <p>The default reports nothing and returns {@link #written}.
   *
   * @param source the whole source file's values; this connector's keys are among them
   */
  default Map<String, Object> resolve(ConfigValues source, ProblemReporter problems) {
    return written(options(), source);
  }

  /**
   * Why the source's record functions cannot run on what this connector reads, if they cannot;
   * reported at the source's {@code functions} key. The default: they can.
   *
   * @param options the resolved options
   */
  default Optional<String> functionsUnsupported(Map<String, Object> options) {
    return Optional.empty();
  }

  /**
   * Creates a connector for one source.
   *
   * @throws io.sluice.api.SluiceException (USER) for invalid options, naming the option; (EXTERNAL)
   *     when what the connector needs (a server, a bucket) cannot be reached
   */
  SourceConnector create(SourceContext context);

  /**
   * The values of {@code def}'s keys written in {@code source}, as plain Java values (strings,
   * numbers, booleans, lists and maps as written in YAML), in {@code def}'s order.
   */
  static Map<String, Object> written(ConfigDef def, ConfigValues source) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (ConfigKey<?> key : def.keys()) {
      source.rawValue(key).ifPresent(value -> options.put(key.name(), value));
    }
    return options;
  }

  /**
   * The dataset a source of this connector reads, as OpenLineage events name it (see
   * docs/lineage.md). The default: empty, and the core names it after the connector and source.
   *
   * @param sourceName the source's name in the project
   * @param projectDirectory the project folder, against which relative paths resolve
   * @param options the source's options, as {@link SourceContext#options()} holds them
   */
  default Optional<LineageDataset> lineageDataset(
      String sourceName, java.nio.file.Path projectDirectory, Map<String, Object> options) {
    return java.util.Optional.empty();
  }
}
