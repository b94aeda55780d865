package io.sluice.core.config;

import static java.util.Objects.requireNonNull;

import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Generates the reference of one installed connector from its factory: a page {@code
 * docs/reference/connectors/<name>.md} (its description, its capabilities labelled as Vector labels
 * its components, and every option with its type, default and doc) and a JSON Schema {@code
 * docs/schema/connectors/<name>.schema.json} of its options. Each connector module keeps its own
 * files up to date with the connector contract test ({@code ConnectorContractTest}), which fails
 * when the committed files differ from what this produces and writes them with {@code
 * -Dsluice.regenerate-docs=true}.
 *
 * <p>An option whose name ends in {@code -env} or {@code -file} names where a secret is (an
 * environment variable, a file): the page marks it secret. Secrets are never written in a source
 * file.
 */
public final class ConnectorReference {
  /** The folder of the connector pages, relative to the repository root. */
  public static final String PAGES = "docs/reference/connectors";

  /** The folder of the connector option schemas, relative to the repository root. */
  public static final String SCHEMAS = "docs/schema/connectors";

  /** The index of the connector pages. */
  public static final String INDEX = PAGES + "/README.md";

  private ConnectorReference() {}

  /** The page of {@code factory}'s connector, relative to the repository root. */
  public static String pagePath(ConnectorFactory factory) {
    return PAGES + "/" + factory.name() + ".md";
  }

  /** The JSON Schema of {@code factory}'s options, relative to the repository root. */
  public static String schemaPath(ConnectorFactory factory) {
    return SCHEMAS + "/" + factory.name() + ".schema.json";
  }

  /** The generated files of one connector: path relative to the repository root, to content. */
  public static Map<String, String> generate(ConnectorFactory factory, String regenerate) {
    requireNonNull(factory, "factory is null");
    Map<String, String> files = new LinkedHashMap<>();
    files.put(pagePath(factory), markdown(factory, regenerate));
    files.put(schemaPath(factory), jsonSchema(factory));
    return files;
  }

  /** Writes {@code files} (from {@link #generate}) under the repository root {@code root}. */
  public static List<Path> write(Path root, Map<String, String> files) throws IOException {
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
      written.add(path);
    }
    return written;
  }

  /**
   * Whether {@code key} names where a secret is kept rather than holding a value: its name ends in
   * {@code -env} (an environment variable) or {@code -file} (a file).
   */
  public static boolean isSecretReference(ConfigKey<?> key) {
    return key.name().endsWith("-env") || key.name().endsWith("-file");
  }

  /** Every key of {@code def}, in sections and variants too, with its dotted path. */
  public static Map<String, ConfigKey<?>> allKeys(ConfigDef def) {
    Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    collect("", def, keys);
    return keys;
  }

  private static void collect(String prefix, ConfigDef def, Map<String, ConfigKey<?>> keys) {
    for (ConfigKey<?> key : def.keys()) {
      String path = prefix + key.name();
      keys.put(path, key);
      // sections, list items and variants with arguments, as the reference docs walk them
      for (ConfigType.Nested nested : key.type().nested()) {
        collect(path + nested.suffix() + ".", nested.def(), keys);
      }
    }
  }

  /**
   * The index of the connector pages: one row per connector of {@code factories} (sorted by name)
   * with its description and main capabilities, and how a connector joins the list.
   */
  public static String index(List<ConnectorFactory> factories, String regenerate) {
    StringBuilder md = new StringBuilder();
    md.append("# Connectors\n\n");
    md.append(
        "<!-- Generated from the connectors installed with the sluice command by"
            + " io.sluice.core.config.ConnectorReference; do not edit. To regenerate, run from the"
            + " repository root:\n     "
            + regenerate
            + " -->\n\n");
    md.append(
        "A source reads its records through a connector, named in its file (`connector: NAME`)."
            + " These are the connectors installed with `sluice`; each page is generated from the"
            + " connector itself: its capabilities and every option it adds to a source file.\n\n");
    md.append(
        "| Connector | Description | Delivery | Position | Continuous | Changelog |\n"
            + "| --- | --- | --- | --- | --- | --- |\n");
    for (ConnectorFactory factory :
        factories.stream().sorted(Comparator.comparing(ConnectorFactory::name)).toList()) {
      ConnectorCapabilities capabilities = factory.capabilities();
      md.append("| [`")
          .append(factory.name())
          .append("`](")
          .append(factory.name())
          .append(".md)")
          .append(factory.isDefault() ? " (default)" : "")
          .append(" | ")
          .append(factory.description().replace("|", "\\|").replace("\n", " "))
          .append(" | ")
          .append(capabilities.delivery().label())
          .append(" | ")
          .append(capabilities.positionKind().label())
          .append(" | ")
          .append(yesNo(capabilities.continuous()))
          .append(" | ")
          .append(yesNo(capabilities.changelog()))
          .append(" |\n");
    }
    md.append(
        """

        ## Adding a connector

        A connector is a module with a `ConnectorFactory` (sluice-api, `io.sluice.api.source`)
        registered in `META-INF/services/io.sluice.api.source.ConnectorFactory` and a dependency
        of `sluice-cli`. Its factory declares its options in the configuration model the core
        uses (so `sluice validate` checks them with file, line and did-you-mean) and its
        capabilities. Its tests extend `io.sluice.core.testing.ConnectorContractTest` (the test jar
        of `sluice-core`) with a small fixture: how to add records to the source, a malformed
        record, a drifted input and what a crash is. The suite checks plan, read and commit, a
        restart and a crash between read and commit (no record lost or repeated), quarantined
        records with a position a user can find, schema drift, `close()`, the documented options,
        and keeps the connector's page here and its JSON Schema in `docs/schema/connectors/` up to
        date.
        """);
    return md.toString();
  }

  // ---- JSON Schema

  static String jsonSchema(ConnectorFactory factory) {
    return ReferenceDocs.jsonSchema(
        factory.options(),
        "Options of the Sluice connector '"
            + factory.name()
            + "' (the keys it adds to sources/*.yaml)");
  }

  // ---- Markdown

  static String markdown(ConnectorFactory factory, String regenerate) {
    ConnectorCapabilities capabilities = factory.capabilities();
    StringBuilder md = new StringBuilder();
    md.append("# Connector `").append(factory.name()).append("`\n\n");
    md.append(
        "<!-- Generated from the connector's factory by io.sluice.core.config.ConnectorReference;"
            + " do not edit. To regenerate, run from the repository root:\n     "
            + regenerate
            + " -->\n\n");
    md.append(factory.description()).append("\n\n");
    md.append("A source reads it with `connector: ").append(factory.name()).append("`");
    if (factory.isDefault()) {
      md.append(" (the default: a source file that names no connector uses this one)");
    }
    md.append(
            ". Its options are written in the source file beside the core keys (`columns`,"
                + " `checks`, ...; see [the project format](../../project-format.md)). A JSON Schema"
                + " of the options is in [`")
        .append(schemaPath(factory))
        .append("`](../../schema/connectors/")
        .append(factory.name())
        .append(".schema.json).\n\n");
    capabilities(md, capabilities);
    md.append("## Options\n\n");
    ConfigDef options = factory.options();
    if (options.keys().isEmpty()) {
      md.append("This connector has no options.\n");
      return md.toString();
    }
    List<String> secrets =
        allKeys(options).entrySet().stream()
            .filter(e -> isSecretReference(e.getValue()))
            .map(e -> "`" + e.getKey() + "`")
            .toList();
    if (!secrets.isEmpty()) {
      md.append(
              "Secrets are never written in a source file: the options marked **secret** name the"
                  + " environment variable (`-env`) or the file (`-file`) that holds one, and"
                  + " Sluice never logs or prints its value. Secret options: ")
          .append(String.join(", ", secrets))
          .append(".\n\n");
    }
    ReferenceDocs.section(md, "", options, 3, true, ConnectorReference::describe);
    return md.toString().stripTrailing() + "\n";
  }

  private static String describe(ConfigKey<?> key) {
    if (!isSecretReference(key)) {
      return key.doc();
    }
    return "**Secret** (names "
        + (key.name().endsWith("-env") ? "an environment variable" : "a file")
        + " holding it). "
        + key.doc();
  }

  private static void capabilities(StringBuilder md, ConnectorCapabilities capabilities) {
    md.append("## Capabilities\n\n");
    md.append("| Capability | Value | What it means |\n| --- | --- | --- |\n");
    row(
        md,
        "Delivery guarantee",
        "**" + capabilities.delivery().label() + "**",
        switch (capabilities.delivery()) {
          case EXACTLY_ONCE ->
              "A batch's positions are committed with its data in one lake commit: after a crash"
                  + " or a restart, exactly the records not landed yet are read, none twice.";
          case AT_LEAST_ONCE ->
              "After a crash, records of the batch that was being landed may be read again;"
                  + " declare a `primary-key` to keep one row per key in the clean table.";
        });
    row(
        md,
        "Position",
        capabilities.positionKind().label(),
        switch (capabilities.positionKind()) {
          case FILE_SET ->
              "The files read, each with a fingerprint: a new file is read once, a changed one"
                  + " as the source's `on-change` says.";
          case OFFSET -> "The offset reached in each partition.";
          case CURSOR_VALUE ->
              "The greatest value seen of the cursor column(s); later rows are read next.";
          case LOG_SEQUENCE_NUMBER -> "The database log position reached.";
        });
    row(
        md,
        "Native formats",
        capabilities.nativeFormats().isEmpty()
            ? "none"
            : capabilities.nativeFormats().stream()
                .sorted(Comparator.naturalOrder())
                .map(f -> "`" + f + "`")
                .collect(Collectors.joining(", ")),
        capabilities.nativeFormats().isEmpty()
            ? "Every record is read by the connector."
            : "Formats an engine may read itself, when that gives exactly the connector's"
                + " records.");
    row(
        md,
        "Re-reads quarantined records",
        yesNo(capabilities.rereadsQuarantined()),
        capabilities.rereadsQuarantined()
            ? "`sluice quarantine replay` parses quarantined records again after a fix."
            : "Quarantined records cannot be replayed; fix the input and read it again.");
    row(
        md,
        "Continuous",
        yesNo(capabilities.continuous()),
        capabilities.continuous()
            ? "`sluice serve` reads new records in micro-batches as they arrive."
            : "`sluice serve` reads the source when it changes; `sluice run` reads what is"
                + " there.");
    row(
        md,
        "Changelog",
        yesNo(capabilities.changelog()),
        capabilities.changelog()
            ? "Records may be deletes: the source declares a `primary-key`, and its clean table"
                + " is a merge of the changes."
            : "Every record is a new row; nothing is deleted.");
    row(
        md,
        "A missing field stops the run",
        yesNo(capabilities.missingFieldStops()),
        capabilities.missingFieldStops()
            ? "A declared field that a whole input lacks (a misspelt `from:`) stops the run"
                + " before the batch lands, unless a drift policy says otherwise."
            : "A batch may lack an optional field; its records read NULL for it.");
    md.append("\n");
  }

  private static void row(StringBuilder md, String name, String value, String meaning) {
    md.append("| ")
        .append(name)
        .append(" | ")
        .append(value)
        .append(" | ")
        .append(meaning)
        .append(" |\n");
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
