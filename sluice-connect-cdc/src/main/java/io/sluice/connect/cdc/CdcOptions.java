package io.sluice.connect.cdc;

import static java.util.Objects.requireNonNull;

import io.sluice.api.Secrets;
import io.sluice.api.SluiceException;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The options of a {@code cdc} source, all under its one section key {@code cdc}. Every key and
 * default is defined here, once; {@link #SOURCE_KEYS} is what the factory declares.
 *
 * @param database the database kind; only {@code postgres} for now
 * @param url the JDBC URL of the database ({@code jdbc:postgresql://host:port/db})
 * @param user the user to connect as, when the URL does not name one
 * @param password the password read from the environment or a file, when one is configured; never
 *     logged or printed
 * @param tables the captured tables, schema-qualified, in the order written
 * @param slot the logical replication slot's name
 * @param publication the publication's name
 * @param create whether Sluice creates the slot and the publication when they do not exist
 * @param snapshot whether the first batch is a consistent snapshot of the tables
 * @param maxChangesPerBatch about how many changes one batch takes (whole transactions)
 */
record CdcOptions(
    String database,
    String url,
    Optional<String> user,
    Optional<String> password,
    List<TableName> tables,
    String slot,
    String publication,
    boolean create,
    Snapshot snapshot,
    int maxChangesPerBatch) {

  CdcOptions {
    requireNonNull(database, "database is null");
    requireNonNull(url, "url is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
    tables = List.copyOf(tables);
    requireNonNull(slot, "slot is null");
    requireNonNull(publication, "publication is null");
    requireNonNull(snapshot, "snapshot is null");
  }

  /** The options with the password masked: they may end up in a log or a message. */
  @Override
  public String toString() {
    return "CdcOptions[url="
        + url
        + ", user="
        + user.orElse("")
        + ", password="
        + (password.isPresent() ? "(set)" : "(none)")
        + ", tables="
        + tables
        + ", slot="
        + slot
        + ", publication="
        + publication
        + ", create="
        + create
        + ", snapshot="
        + snapshot.word()
        + ", maxChangesPerBatch="
        + maxChangesPerBatch
        + "]";
  }

  static final String SECTION = "cdc";
  static final String POSTGRES = "postgres";
  static final int MAX_CHANGES_DEFAULT = 100_000;

  /** What the first batch of a source with nothing landed is. */
  enum Snapshot {
    /** The tables' rows at the slot's consistent point, as inserts, then the changes after it. */
    INITIAL,
    /** Only the changes after the slot was created. */
    NEVER;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Lower-case letters, digits and underscores, at most 63 bytes: PostgreSQL's slot names. */
  private static final Pattern OBJECT_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  static final ConfigKey<String> DATABASE =
      ConfigKey.builder("database", ConfigType.oneOf(POSTGRES))
          .doc("The database whose change log is read; only `postgres` (logical replication).")
          .defaultValue(POSTGRES)
          .build();
  static final ConfigKey<String> URL =
      ConfigKey.builder(
              "url",
              ConfigType.string()
                  .withCheck(
                      url ->
                          url.startsWith("jdbc:postgresql:")
                              ? Optional.empty()
                              : Optional.of(
                                  "expected a PostgreSQL JDBC URL"
                                      + " (jdbc:postgresql://host:port/database), found "
                                      + url)))
          .doc(
              "The JDBC URL of the database, `jdbc:postgresql://host:port/database`; without a"
                  + " password in it (use `password-env` or `password-file`).")
          .required()
          .build();
  static final ConfigKey<String> USER =
      ConfigKey.builder("user", ConfigType.string())
          .doc(
              "The user to connect as; it needs the REPLICATION attribute (or to own the slot) and"
                  + " SELECT on the tables.")
          .defaultDoc("the URL's user")
          .build();
  static final ConfigKey<String> PASSWORD_ENV =
      ConfigKey.builder("password-env", ConfigType.string())
          .doc("The name of the environment variable that holds the password.")
          .defaultDoc("no password")
          .build();
  static final ConfigKey<String> PASSWORD_FILE =
      ConfigKey.builder("password-file", ConfigType.string())
          .doc(
              "A file whose content (surrounding whitespace trimmed) is the password, relative to"
                  + " the project folder.")
          .defaultDoc("no password")
          .build();
  static final ConfigKey<List<String>> TABLES =
      ConfigKey.builder(
              "tables",
              ConfigType.nonEmptyListOf(
                  ConfigType.string()
                      .withCheck(
                          name ->
                              TableName.parse(name).isPresent()
                                  ? Optional.empty()
                                  : Optional.of(
                                      "expected a schema-qualified table name such as"
                                          + " public.orders, found "
                                          + name))))
          .doc(
              "The captured tables, schema-qualified (`public.orders`); each needs a primary key"
                  + " (or REPLICA IDENTITY) for updates and deletes.")
          .required()
          .build();
  static final ConfigKey<String> SLOT =
      ConfigKey.builder("slot", ConfigType.string().withCheck(CdcOptions::objectNameProblem))
          .doc("The logical replication slot that keeps the changes not landed yet.")
          .defaultDoc("`sluice_` and the source name, lower case, other characters as `_`")
          .build();
  static final ConfigKey<String> PUBLICATION =
      ConfigKey.builder("publication", ConfigType.string().withCheck(CdcOptions::objectNameProblem))
          .doc("The publication that names the captured tables to the `pgoutput` plugin.")
          .defaultDoc("`sluice_` and the source name, lower case, other characters as `_`")
          .build();
  static final ConfigKey<Boolean> CREATE =
      ConfigKey.builder("create", ConfigType.bool())
          .doc(
              "Whether Sluice creates the slot and the publication when they do not exist (the"
                  + " user then needs CREATE on the database and REPLICATION).")
          .defaultValue(true)
          .build();
  static final ConfigKey<String> SNAPSHOT =
      ConfigKey.builder("snapshot", ConfigType.oneOf("initial", "never"))
          .doc(
              "`initial`: the first batch is the tables' rows at the slot's consistent point, then"
                  + " the changes after it; `never`: only changes after the slot was created.")
          .defaultValue("initial")
          .build();
  static final ConfigKey<Integer> MAX_CHANGES_PER_BATCH =
      ConfigKey.builder("max-changes-per-batch", ConfigType.integer(1))
          .doc(
              "About how many changes one batch takes; a batch always holds whole transactions,"
                  + " so one larger transaction is one larger batch.")
          .defaultValue(MAX_CHANGES_DEFAULT)
          .build();

  static final ConfigDef SECTION_DEF =
      ConfigDef.builder(SECTION, "Change data capture options (PostgreSQL logical replication).")
          .add(
              DATABASE,
              URL,
              USER,
              PASSWORD_ENV,
              PASSWORD_FILE,
              TABLES,
              SLOT,
              PUBLICATION,
              CREATE,
              SNAPSHOT,
              MAX_CHANGES_PER_BATCH)
          .build();

  static final ConfigKey<io.sluice.config.ConfigValues> CDC =
      ConfigKey.builder(SECTION, ConfigType.section(SECTION_DEF))
          .doc(
              "Change data capture options: `url`, `tables`, and how the slot and the publication"
                  + " are named and made.")
          .required()
          .build();

  /** The keys a {@code cdc} source file adds to the core's. */
  static final ConfigDef SOURCE_KEYS =
      ConfigDef.builder("cdc source", "The keys of a source with `connector: cdc`.")
          .add(CDC)
          .build();

  private static Optional<String> objectNameProblem(String name) {
    return OBJECT_NAME.matcher(name).matches()
        ? Optional.empty()
        : Optional.of(
            "expected lower-case letters, digits and underscores (at most 63), found " + name);
  }

  /** The default slot and publication name of a source: {@code sluice_orders}. */
  static String defaultName(String sourceName) {
    String name = "sluice_" + sourceName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /**
   * The options of a connector's context (as {@link CdcConnectorFactory#resolve} gives them, plain
   * YAML values), checked again, with the password read.
   *
   * @throws SluiceException (USER) naming the option that is wrong
   */
  static CdcOptions parse(SourceContext context) {
    String source = context.sourceName();
    Object sectionValue = context.options().get(SECTION);
    if (!(sectionValue instanceof Map<?, ?> section)) {
      throw SluiceException.user(
          "Source '%s': connector cdc needs a '%s:' section with url and tables", source, SECTION);
    }
    for (Object key : section.keySet()) {
      if (SECTION_DEF.key(String.valueOf(key)).isEmpty()) {
        throw SluiceException.user("Source '%s': unknown option '%s.%s'", source, SECTION, key);
      }
    }
    String database = text(source, section, DATABASE).orElse(POSTGRES);
    if (!database.equals(POSTGRES)) {
      throw SluiceException.user(
          "Source '%s': cdc.database must be postgres, found '%s'", source, database);
    }
    String url =
        text(source, section, URL)
            .orElseThrow(() -> SluiceException.user("Source '%s': cdc.url is required", source));
    if (!url.startsWith("jdbc:postgresql:")) {
      throw SluiceException.user(
          "Source '%s': cdc.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db),"
              + " found '%s'",
          source, url);
    }
    if (url.contains("password=")) {
      throw SluiceException.user(
          "Source '%s': cdc.url must not hold a password: name it with cdc.password-env or"
              + " cdc.password-file",
          source);
    }
    List<TableName> tables = new ArrayList<>();
    Object tablesValue = section.get(TABLES.name());
    if (!(tablesValue instanceof List<?> list) || list.isEmpty()) {
      throw SluiceException.user(
          "Source '%s': cdc.tables must list at least one schema-qualified table", source);
    }
    for (Object item : list) {
      String name = String.valueOf(item);
      tables.add(
          TableName.parse(name)
              .orElseThrow(
                  () ->
                      SluiceException.user(
                          "Source '%s': cdc.tables: '%s' is not a schema-qualified table name"
                              + " (public.orders)",
                          source, name)));
    }
    String slot = name(source, section, SLOT);
    String publication = name(source, section, PUBLICATION);
    boolean create = flag(source, section, CREATE, true);
    String snapshotWord = text(source, section, SNAPSHOT).orElse("initial");
    Snapshot snapshot =
        switch (snapshotWord) {
          case "initial" -> Snapshot.INITIAL;
          case "never" -> Snapshot.NEVER;
          default ->
              throw SluiceException.user(
                  "Source '%s': cdc.snapshot must be initial or never, found '%s'",
                  source, snapshotWord);
        };
    int max = MAX_CHANGES_DEFAULT;
    Object maxValue = section.get(MAX_CHANGES_PER_BATCH.name());
    if (maxValue != null) {
      if (!(maxValue instanceof Number number) || number.longValue() < 1) {
        throw SluiceException.user(
            "Source '%s': cdc.max-changes-per-batch must be a whole number of at least 1, found"
                + " '%s'",
            source, maxValue);
      }
      max = (int) Math.min(Integer.MAX_VALUE, number.longValue());
    }
    return new CdcOptions(
        database,
        url,
        text(source, section, USER),
        password(context, section),
        tables,
        slot.isEmpty() ? defaultName(source) : slot,
        publication.isEmpty() ? defaultName(source) : publication,
        create,
        snapshot,
        max);
  }

  private static String name(String source, Map<?, ?> section, ConfigKey<String> key) {
    Optional<String> value = text(source, section, key);
    if (value.isPresent() && objectNameProblem(value.get()).isPresent()) {
      throw SluiceException.user(
          "Source '%s': cdc.%s: %s",
          source, key.name(), objectNameProblem(value.get()).orElseThrow());
    }
    return value.orElse("");
  }

  private static Optional<String> text(String source, Map<?, ?> section, ConfigKey<?> key) {
    Object value = section.get(key.name());
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw SluiceException.user(
          "Source '%s': cdc.%s must be a single value, found %s", source, key.name(), value);
    }
    return Optional.of(String.valueOf(value));
  }

  private static boolean flag(
      String source, Map<?, ?> section, ConfigKey<Boolean> key, boolean defaultValue) {
    Object value = section.get(key.name());
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean bool) {
      return bool;
    }
    throw SluiceException.user(
        "Source '%s': cdc.%s must be true or false, found '%s'", source, key.name(), value);
  }

  /** The password named by password-env or password-file; the value is never in a message. */
  private static Optional<String> password(SourceContext context, Map<?, ?> section) {
    String source = context.sourceName();
    Optional<String> env = text(source, section, PASSWORD_ENV);
    Optional<String> file = text(source, section, PASSWORD_FILE);
    if (env.isPresent() && file.isPresent()) {
      throw SluiceException.user(
          "Source '%s': set either cdc.password-env or cdc.password-file, not both", source);
    }
    if (env.isEmpty() && file.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Secrets.read(
            "Source '" + source + "'",
            SECTION + ".password",
            context.sourceFile().toString(),
            "the database password",
            env,
            file.map(context.projectDirectory()::resolve),
            context.environment()));
  }

  /** A schema-qualified table name, each part as PostgreSQL stores it (unquoted, case kept). */
  record TableName(String schema, String table) {
    TableName {
      requireNonNull(schema, "schema is null");
      requireNonNull(table, "table is null");
    }

    private static final Pattern PART = Pattern.compile("\"((?:[^\"]|\"\")+)\"|([^.\"]+)");

    /**
     * Parses {@code schema.table}; a part in double quotes keeps its case and may hold a dot, an
     * unquoted part is folded to lower case as PostgreSQL does.
     */
    static Optional<TableName> parse(String text) {
      List<String> parts = new ArrayList<>();
      java.util.regex.Matcher matcher = PART.matcher(text);
      int at = 0;
      while (at < text.length()) {
        if (!matcher.find(at) || matcher.start() != at) {
          return Optional.empty();
        }
        parts.add(
            matcher.group(1) != null
                ? matcher.group(1).replace("\"\"", "\"")
                : matcher.group(2).strip().toLowerCase(Locale.ROOT));
        at = matcher.end();
        if (at < text.length()) {
          if (text.charAt(at) != '.') {
            return Optional.empty();
          }
          at++;
          if (at == text.length()) {
            return Optional.empty();
          }
        }
      }
      if (parts.size() != 2 || parts.get(0).isEmpty() || parts.get(1).isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new TableName(parts.get(0), parts.get(1)));
    }

    /** The name quoted for SQL: {@code "public"."orders"}. */
    String quoted() {
      return quote(schema) + "." + quote(table);
    }

    static String quote(String identifier) {
      return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
      return schema + "." + table;
    }
  }
}
