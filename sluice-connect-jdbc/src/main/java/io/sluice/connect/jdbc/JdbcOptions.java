package io.sluice.connect.jdbc;

import static java.util.Objects.requireNonNull;

import io.sluice.api.SluiceException;
import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import io.sluice.config.ConfigValues;
import io.sluice.config.ProblemReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of a {@code jdbc} source, all under one {@code jdbc:} section.
 *
 * @param url the JDBC URL; never holds the password when written by Sluice's rules, but is shown
 *     only through {@link #safeUrl}
 * @param user the user to connect as, if the URL does not say
 * @param passwordEnv the environment variable holding the password
 * @param passwordFile the file holding the password, relative to the project
 * @param table the table to read (schema-qualified allowed), or empty when {@code query} is set
 * @param query the query to read, or empty when {@code table} is set
 * @param mode full refresh or incremental
 * @param cursor the cursor columns, most significant first (incremental mode)
 * @param lookback how far before the committed high-water mark rows are read again
 * @param fetchSize rows per round trip to the server
 * @param properties extra driver properties
 */
record JdbcOptions(
    String url,
    Optional<String> user,
    Optional<String> passwordEnv,
    Optional<String> passwordFile,
    Optional<String> table,
    Optional<String> query,
    Mode mode,
    List<String> cursor,
    Duration lookback,
    int fetchSize,
    Map<String, String> properties) {
  JdbcOptions {
    requireNonNull(url, "url is null");
    requireNonNull(user, "user is null");
    requireNonNull(passwordEnv, "passwordEnv is null");
    requireNonNull(passwordFile, "passwordFile is null");
    requireNonNull(table, "table is null");
    requireNonNull(query, "query is null");
    requireNonNull(mode, "mode is null");
    cursor = List.copyOf(cursor);
    requireNonNull(lookback, "lookback is null");
    properties = Map.copyOf(properties);
  }

  /** How each run reads the source. */
  enum Mode {
    FULL_REFRESH("full-refresh"),
    INCREMENTAL("incremental");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    static Mode of(String label) {
      for (Mode mode : values()) {
        if (mode.label.equals(label)) {
          return mode;
        }
      }
      throw SluiceException.user(
          "jdbc: mode: expected full-refresh or incremental, found '%s'", label);
    }
  }

  static final int FETCH_SIZE_DEFAULT = 1000;

  static final ConfigKey<String> URL =
      ConfigKey.builder("url", ConfigType.string())
          .doc(
              "JDBC URL of the database: jdbc:postgresql://host:5432/db, jdbc:mariadb://host/db,"
                  + " jdbc:mysql://host/db, jdbc:sqlite:path/to/file.db (relative to the project) or"
                  + " any driver's URL on the class path; never put a password in it")
          .required()
          .build();
  static final ConfigKey<String> USER =
      ConfigKey.builder("user", ConfigType.string())
          .doc("User to connect as")
          .defaultDoc("none (the driver's default)")
          .build();
  static final ConfigKey<String> PASSWORD_ENV =
      ConfigKey.builder("password-env", ConfigType.string())
          .doc("Name of the environment variable that holds the password")
          .defaultDoc("none")
          .build();
  static final ConfigKey<String> PASSWORD_FILE =
      ConfigKey.builder("password-file", ConfigType.string())
          .doc(
              "File that holds the password (relative to the project; surrounding white space is"
                  + " ignored)")
          .defaultDoc("none")
          .build();
  static final ConfigKey<String> TABLE =
      ConfigKey.builder("table", ConfigType.string())
          .doc("Table or view to read, schema-qualified if needed (sales.orders); or set query")
          .defaultDoc("none")
          .build();
  static final ConfigKey<String> QUERY =
      ConfigKey.builder("query", ConfigType.string())
          .doc(
              "Query to read instead of a table; cursor columns name its output columns; or set"
                  + " table")
          .defaultDoc("none")
          .build();
  static final ConfigKey<String> MODE =
      ConfigKey.builder("mode", ConfigType.oneOf("full-refresh", "incremental"))
          .doc(
              "full-refresh reads every row each run; incremental reads the rows whose cursor is"
                  + " above the committed high-water mark (less the lookback)")
          .defaultValue("full-refresh")
          .build();
  static final ConfigKey<List<String>> CURSOR =
      ConfigKey.builder("cursor", ConfigType.nonEmptyListOf(ConfigType.string()))
          .doc(
              "Cursor columns for incremental mode, most significant first: an update timestamp"
                  + " or a growing id, e.g. [updated_at, id]")
          .defaultDoc("none; required in incremental mode")
          .build();
  static final ConfigKey<Duration> LOOKBACK =
      ConfigKey.builder("lookback", ConfigType.duration())
          .doc(
              "Incremental mode with a timestamp first cursor column: rows whose cursor is within"
                  + " this window below the committed high-water mark are read again, to pick up"
                  + " rows committed late; declare primary-key so they merge")
          .defaultValue(Duration.ZERO)
          .build();
  static final ConfigKey<Integer> FETCH_SIZE =
      ConfigKey.builder("fetch-size", ConfigType.integer(1))
          .doc(
              "Rows per round trip to the server; reads stream through a server-side cursor so"
                  + " memory stays bounded by this many rows")
          .defaultValue(FETCH_SIZE_DEFAULT)
          .build();
  static final ConfigKey<Map<String, String>> PROPERTIES =
      ConfigKey.builder("properties", ConfigType.stringMap())
          .doc("Extra driver connection properties, e.g. {sslmode: require}; never a password")
          .defaultDoc("none")
          .build();

  static final ConfigDef KEYS =
      ConfigDef.builder("jdbc", "Where and how a jdbc source reads its database")
          .add(
              URL,
              USER,
              PASSWORD_ENV,
              PASSWORD_FILE,
              TABLE,
              QUERY,
              MODE,
              CURSOR,
              LOOKBACK,
              FETCH_SIZE,
              PROPERTIES)
          .build();

  static final ConfigKey<ConfigValues> SECTION =
      ConfigKey.builder("jdbc", ConfigType.section(KEYS))
          .doc("The database, table or query and read mode of a jdbc source")
          .required()
          .build();

  static final ConfigDef OPTIONS =
      ConfigDef.builder("jdbc source", "Options of the jdbc connector").add(SECTION).build();

  private static final List<String> SECRET_PROPERTIES = List.of("password", "passwd", "pwd");

  /** Reports what spans several keys of a checked {@code jdbc:} section. */
  static void check(ConfigValues jdbc, ProblemReporter problems) {
    boolean table = jdbc.isSet(TABLE);
    boolean query = jdbc.isSet(QUERY);
    if (table && query) {
      problems.report(
          jdbc.keyNodeOf(QUERY), "jdbc: set either table or query, not both (table is set too)");
    } else if (!table && !query) {
      problems.report(jdbc.anchor(), "jdbc: set table (a table to read) or query (a query)");
    }
    if (jdbc.isSet(PASSWORD_ENV) && jdbc.isSet(PASSWORD_FILE)) {
      problems.report(
          jdbc.keyNodeOf(PASSWORD_FILE),
          "jdbc: set either password-env or password-file, not both");
    }
    boolean incremental = jdbc.find(MODE).map("incremental"::equals).orElse(false);
    if (incremental && !jdbc.isSet(CURSOR)) {
      problems.report(
          jdbc.keyNodeOf(MODE),
          "jdbc: mode incremental needs cursor: the columns whose growth marks new or changed rows,"
              + " e.g. cursor: [updated_at, id]");
    }
    if (!incremental && jdbc.isSet(CURSOR)) {
      problems.report(
          jdbc.keyNodeOf(CURSOR),
          "jdbc: cursor is used only in mode incremental (mode is "
              + jdbc.get(MODE)
              + "); set mode: incremental or remove cursor");
    }
    if (!incremental && jdbc.find(LOOKBACK).filter(d -> !d.isZero()).isPresent()) {
      problems.report(jdbc.keyNodeOf(LOOKBACK), "jdbc: lookback is used only in mode incremental");
    }
    jdbc.find(URL)
        .ifPresent(
            url -> {
              if (!url.startsWith("jdbc:")) {
                problems.report(
                    jdbc.nodeOf(URL),
                    "jdbc: url must start with jdbc: (e.g. jdbc:postgresql://host:5432/db), found '"
                        + JdbcUrls.redact(url)
                        + "'");
              } else if (JdbcUrls.hasPassword(url)) {
                problems.report(
                    jdbc.nodeOf(URL),
                    "jdbc: url must not hold a password; name it with password-env or"
                        + " password-file");
              }
            });
    jdbc.find(PROPERTIES)
        .ifPresent(
            properties -> {
              for (String name : properties.keySet()) {
                if (SECRET_PROPERTIES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  problems.report(
                      jdbc.nodeOf(PROPERTIES),
                      "jdbc: properties must not hold a password ('"
                          + name
                          + "'); name it with password-env or password-file");
                }
              }
            });
  }

  /**
   * The options of a created connector, from the resolved options map ({@code jdbc: {...}} as
   * written in YAML). Everything {@link #check} reports is an error here too, for callers that skip
   * validation.
   */
  static JdbcOptions parse(Map<String, Object> options) {
    Object section = options.get(SECTION.name());
    if (!(section instanceof Map<?, ?> raw)) {
      throw SluiceException.user("A jdbc source needs a jdbc: section with url and table or query");
    }
    Map<String, Object> jdbc = new LinkedHashMap<>();
    raw.forEach((k, v) -> jdbc.put(String.valueOf(k), v));
    for (String name : jdbc.keySet()) {
      if (KEYS.key(name).isEmpty()) {
        throw SluiceException.user(
            "jdbc: unknown key '%s'%s",
            name,
            io.sluice.config.DidYouMean.hint(
                name, KEYS.keys().stream().map(ConfigKey::name).toList()));
      }
    }
    String url = text(jdbc, URL).orElseThrow(() -> SluiceException.user("jdbc: url is missing"));
    if (!url.startsWith("jdbc:")) {
      throw SluiceException.user(
          "jdbc: url must start with jdbc:, found '%s'", JdbcUrls.redact(url));
    }
    if (JdbcUrls.hasPassword(url)) {
      throw SluiceException.user(
          "jdbc: url must not hold a password; name it with password-env or password-file");
    }
    Optional<String> table = text(jdbc, TABLE);
    Optional<String> query = text(jdbc, QUERY);
    if (table.isPresent() == query.isPresent()) {
      throw SluiceException.user(
          table.isPresent()
              ? "jdbc: set either table or query, not both"
              : "jdbc: set table (a table to read) or query (a query)");
    }
    Optional<String> passwordEnv = text(jdbc, PASSWORD_ENV);
    Optional<String> passwordFile = text(jdbc, PASSWORD_FILE);
    if (passwordEnv.isPresent() && passwordFile.isPresent()) {
      throw SluiceException.user("jdbc: set either password-env or password-file, not both");
    }
    Mode mode = text(jdbc, MODE).map(Mode::of).orElse(Mode.FULL_REFRESH);
    List<String> cursor = new ArrayList<>();
    Object rawCursor = jdbc.get(CURSOR.name());
    if (rawCursor instanceof List<?> list) {
      list.forEach(c -> cursor.add(String.valueOf(c)));
    } else if (rawCursor != null) {
      cursor.add(String.valueOf(rawCursor));
    }
    if (mode == Mode.INCREMENTAL && cursor.isEmpty()) {
      throw SluiceException.user("jdbc: mode incremental needs cursor, e.g. [updated_at, id]");
    }
    if (mode == Mode.FULL_REFRESH && !cursor.isEmpty()) {
      throw SluiceException.user("jdbc: cursor is used only in mode incremental");
    }
    Duration lookback = text(jdbc, LOOKBACK).map(ConfigType::parseDuration).orElse(Duration.ZERO);
    if (mode == Mode.FULL_REFRESH && !lookback.isZero()) {
      throw SluiceException.user("jdbc: lookback is used only in mode incremental");
    }
    int fetchSize = FETCH_SIZE_DEFAULT;
    Object rawFetch = jdbc.get(FETCH_SIZE.name());
    if (rawFetch != null) {
      try {
        fetchSize = Integer.parseInt(String.valueOf(rawFetch));
      } catch (NumberFormatException e) {
        throw SluiceException.user("jdbc: fetch-size: expected an integer ≥ 1, found %s", rawFetch);
      }
      if (fetchSize < 1) {
        throw SluiceException.user("jdbc: fetch-size: expected an integer ≥ 1, found %s", rawFetch);
      }
    }
    Map<String, String> properties = new LinkedHashMap<>();
    if (jdbc.get(PROPERTIES.name()) instanceof Map<?, ?> props) {
      props.forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    }
    for (String name : properties.keySet()) {
      if (SECRET_PROPERTIES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        throw SluiceException.user(
            "jdbc: properties must not hold a password ('%s'); use password-env or password-file",
            name);
      }
    }
    return new JdbcOptions(
        url,
        text(jdbc, USER),
        passwordEnv,
        passwordFile,
        table,
        query,
        mode,
        cursor,
        lookback,
        fetchSize,
        properties);
  }

  private static Optional<String> text(Map<String, Object> jdbc, ConfigKey<?> key) {
    return Optional.ofNullable(jdbc.get(key.name())).map(String::valueOf);
  }

  /** What the connector reads, for messages: the table's name or "query". */
  String relation() {
    return table.orElse("query");
  }
}
