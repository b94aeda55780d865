package io.sluice.core.config;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.ConfigDef;
import io.sluice.config.ConfigKey;
import io.sluice.config.ConfigType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every key of every file and its default, recorded (Airlift's {@code assertRecordedDefaults}):
 * adding a key or changing a default fails here until the change is deliberate.
 */
class SpecDefaultsTest {
  @Test
  void recordsEveryKeyOfSluiceYamlWithItsDefault() {
    assertThat(defaults(ProjectSpec.PROJECT_DEF))
        .containsExactlyEntriesOf(
            entries(
                entry("name", "(required)"),
                entry("description", ""),
                entry("engine", "`duckdb`"),
                entry("engine-options", "`{}`"),
                entry("state-dir", "`.sluice`"),
                entry("lake", ""),
                entry("lake.type", "`iceberg`"),
                entry("lake.options", "`{}`"),
                entry("warehouse", ""),
                entry(
                    "warehouse.path",
                    "`<state-dir>/warehouse.<engine>` (e.g. `.sluice/warehouse.duckdb`)"),
                entry("defaults", ""),
                entry("defaults.granularity", "`day`"),
                entry("defaults.on-change", "`fail`"),
                entry("quality", ""),
                entry("quality.min-score", "`0`"),
                entry("quality.min-run-score", "`0`"),
                entry("quality.warn-weight", "`0.5`"),
                entry("serve", ""),
                entry("serve.host", "`127.0.0.1`"),
                entry("serve.port", "`8080`"),
                entry("serve.max-body-bytes", "`16777216`"),
                entry("serve.max-record-bytes", "`1048576`"),
                entry("serve.max-records-per-request", "`10000`"),
                entry("serve.max-backlog-records", "`5000000`"),
                entry("serve.max-inflight-mb", "`256`"),
                entry("serve.body-timeout", "`30s`"),
                entry("serve.max-connections-per-client", "`64`"),
                entry("serve.trigger-interval-ms", "`500`"),
                entry("serve.trigger-records", "`200000`"),
                entry("serve.query-token-env", ""),
                entry("serve.query-token-file", ""),
                entry("serve.viewer-token-env", ""),
                entry("serve.viewer-token-file", ""),
                entry("serve.tls-key-store", ""),
                entry("serve.tls-key-store-password-env", ""),
                entry("serve.tls-key-store-password-file", ""),
                entry("serve.query-timeout", "`30s`"),
                entry("serve.query-max-mb", "`64`"),
                entry("serve.sql-host", "`127.0.0.1`"),
                entry("serve.sql-port", ""),
                entry("serve.sql-max-connections", "`16`"),
                entry("serve.sql-max-rows", "`100000`"),
                entry("serve.sql-idle-timeout", "`10m`"),
                entry("serve.log", ""),
                entry("serve.log.partitions", "`4`"),
                entry("serve.log.segment-mb", "`64`"),
                entry("serve.log.retention-mb", "`1024`"),
                entry("serve.log.retention-hours", "`168`"),
                entry("maintenance", ""),
                entry("maintenance.target-file-size-mb", "`128`"),
                entry("maintenance.min-files", "`5`"),
                entry("maintenance.keep-snapshots", "`10`"),
                entry("maintenance.snapshot-max-age", "`1d`"),
                entry("maintenance.orphan-min-age", "`1d`"),
                entry("maintenance.interval", "`1h`"),
                entry("schedules", "`[]`"),
                entry("schedules[].name", "(required)"),
                entry("schedules[].select", "`[]`"),
                entry("schedules[].exclude", "`[]`"),
                entry("schedules[].cron", ""),
                entry("schedules[].time-zone", "`UTC`"),
                entry("schedules[].interval", ""),
                entry("schedules[].on", "`[]`"),
                entry("schedules[].catch-up", "`latest`"),
                entry("schedules[].max-concurrent", "`1`"),
                entry("schedules[].timeout", ""),
                entry("schedules[].jitter", "`0s`"),
                entry("schedules[].full-refresh", "`false`"),
                entry("schedules[].paused", "`false`"),
                entry("schedules[].retries", ""),
                entry("schedules[].retries.max-attempts", "`3`"),
                entry("schedules[].retries.initial-backoff", "`10s`"),
                entry("schedules[].retries.max-backoff", "`10m`"),
                entry("schedules[].retries.multiplier", "`2`"),
                entry("schedules[].retries.jitter", "`0.2`"),
                entry("retries", ""),
                entry("retries.max-attempts", "`3`"),
                entry("retries.initial-backoff", "`10s`"),
                entry("retries.max-backoff", "`10m`"),
                entry("retries.multiplier", "`2`"),
                entry("retries.jitter", "`0.2`"),
                entry("freshness", "`[]`"),
                entry("freshness[].name", "(required)"),
                entry("freshness[].target", "(required)"),
                entry("freshness[].max-age", ""),
                entry("freshness[].deadline", ""),
                entry("freshness[].time-zone", "`UTC`"),
                entry("freshness[].severity", "`warn`"),
                entry("history", ""),
                entry("history.retention", "`30d`"),
                entry("lineage", ""),
                entry("lineage.transport", "`none`"),
                entry("lineage.path", "`<state-dir>/lineage.jsonl`"),
                entry("lineage.url", ""),
                entry("lineage.timeout", "`5s`"),
                entry("lineage.api-key-env", ""),
                entry("lineage.namespace", "the project's `name`"),
                entry("alerts", ""),
                entry("alerts.channels", "`[]`"),
                entry("alerts.channels[].name", "(required)"),
                entry("alerts.channels[].format", "`generic`"),
                entry("alerts.channels[].url-env", ""),
                entry("alerts.channels[].url-file", ""),
                entry("alerts.channels[].timeout", "`10s`"),
                entry("alerts.channels[].max-attempts", "`4`"),
                entry("alerts.channels[].initial-backoff", "`1s`"),
                entry("alerts.rules", "`[]`"),
                entry("alerts.rules[].name", "(required)"),
                entry("alerts.rules[].kind", "(required)"),
                entry("alerts.rules[].target", ""),
                entry("alerts.rules[].threshold", ""),
                entry("alerts.rules[].warnings", "`false`"),
                entry("alerts.rules[].growing", "`false`"),
                entry("alerts.rules[].for", "`0s`"),
                entry("alerts.rules[].cooldown", ""),
                entry("alerts.rules[].severity", "`warn`"),
                entry("alerts.rules[].channels", "`[]`"),
                entry("alerts.check-interval", "`30s`"),
                entry("alerts.link-base", ""),
                entry("vars", "`{}`")));
  }

  @Test
  void recordsEveryKeyOfASourceFileWithItsDefault() {
    assertThat(defaults(SourceSpec.COMMON_DEF))
        .containsExactlyEntriesOf(
            entries(
                entry("name", "the file name without its extension"),
                entry("description", "`\"\"`"),
                entry("connector", "the default connector, which reads local files"),
                entry("event-time", ""),
                entry("partition", ""),
                entry("partition.granularity", "`defaults.granularity` of sluice.yaml"),
                entry("partition.columns", "`[]`"),
                entry("primary-key", "none: batches are appended"),
                entry("late-events", ""),
                entry("late-events.allowed-lateness", "(required)"),
                entry("late-events.policy", "`accept`"),
                entry("schema-drift", ""),
                entry("schema-drift.policy", "`ignore`"),
                entry("columns", "(required)"),
                entry("columns[].name", "(required)"),
                entry("columns[].type", "`string`"),
                entry("columns[].from", "the column name"),
                entry("columns[].expr", ""),
                entry("columns[].default", ""),
                entry("columns[].format", ""),
                entry("columns[].description", "`\"\"`"),
                entry("columns[].checks", "`[]`"),
                entry("columns[].checks[].not_null.enabled", "`true`"),
                entry("columns[].checks[].not_null.severity", "`quarantine`"),
                entry("columns[].checks[].unique.enabled", "`true`"),
                entry("columns[].checks[].unique.severity", "`quarantine`"),
                entry("columns[].checks[].range.min", ""),
                entry("columns[].checks[].range.max", ""),
                entry("columns[].checks[].range.severity", "`quarantine`"),
                entry("columns[].checks[].accepted_values.values", "(required)"),
                entry("columns[].checks[].accepted_values.case-sensitive", "`true`"),
                entry("columns[].checks[].accepted_values.severity", "`quarantine`"),
                entry("columns[].checks[].regex.pattern", "(required)"),
                entry("columns[].checks[].regex.severity", "`quarantine`"),
                entry("columns[].checks[].length.min", ""),
                entry("columns[].checks[].length.max", ""),
                entry("columns[].checks[].length.severity", "`quarantine`"),
                entry("columns[].checks[].format.name", "(required)"),
                entry("columns[].checks[].format.severity", "`quarantine`"),
                entry("columns[].checks[].relationships.to", "(required)"),
                entry("columns[].checks[].relationships.field", "(required)"),
                entry("columns[].checks[].relationships.severity", "`quarantine`"),
                entry("checks", "`[]`"),
                entry("checks[].name", "(required)"),
                entry("checks[].expr", "(required)"),
                entry("checks[].message", "`\"\"`"),
                entry("checks[].severity", "`quarantine`"),
                entry("dataset-checks", "`[]`"),
                entry("dataset-checks[].name", "(required)"),
                entry("dataset-checks[].kind", "(required)"),
                entry("dataset-checks[].severity", "`warn`"),
                entry("dataset-checks[].max-lag", ""),
                entry("dataset-checks[].min-rows", ""),
                entry("dataset-checks[].max-rows", ""),
                entry("dataset-checks[].window", "`7`"),
                entry("dataset-checks[].k", ""),
                entry("dataset-checks[].column", ""),
                entry("dataset-checks[].max-rate", ""),
                entry("dataset-checks[].max-change", ""),
                entry("dataset-checks[].min", ""),
                entry("dataset-checks[].sql", ""),
                entry("functions", "`[]`"),
                entry("functions[].function", "(required)"),
                entry("functions[].options", "`{}`"),
                entry("min-score", "`quality.min-score` of sluice.yaml")));
  }

  @Test
  void recordsEveryKeyOfSchemaYmlWithItsDefault() {
    assertThat(defaults(SchemaSpec.SCHEMA_DEF))
        .containsExactlyEntriesOf(
            entries(
                entry("version", "`2`"),
                entry("models", "`[]`"),
                entry("models[].name", "(required)"),
                entry("models[].description", "`\"\"`"),
                entry("models[].columns", "`[]`"),
                entry("models[].columns[].name", "(required)"),
                entry("models[].columns[].description", "`\"\"`"),
                entry("models[].columns[].tests", "`[]`"),
                entry("models[].columns[].tests[].not_null.config", ""),
                entry("models[].columns[].tests[].not_null.config.severity", "`error`"),
                entry("models[].columns[].tests[].unique.config", ""),
                entry("models[].columns[].tests[].unique.config.severity", "`error`"),
                entry("models[].columns[].tests[].accepted_values.values", "(required)"),
                entry("models[].columns[].tests[].accepted_values.config", ""),
                entry("models[].columns[].tests[].accepted_values.config.severity", "`error`"),
                entry("models[].columns[].tests[].relationships.to", "(required)"),
                entry("models[].columns[].tests[].relationships.field", "(required)"),
                entry("models[].columns[].tests[].relationships.config", ""),
                entry("models[].columns[].tests[].relationships.config.severity", "`error`"),
                entry("models[].columns[].data_tests", "`[]`"),
                entry("models[].columns[].data_tests[].not_null.config", ""),
                entry("models[].columns[].data_tests[].not_null.config.severity", "`error`"),
                entry("models[].columns[].data_tests[].unique.config", ""),
                entry("models[].columns[].data_tests[].unique.config.severity", "`error`"),
                entry("models[].columns[].data_tests[].accepted_values.values", "(required)"),
                entry("models[].columns[].data_tests[].accepted_values.config", ""),
                entry("models[].columns[].data_tests[].accepted_values.config.severity", "`error`"),
                entry("models[].columns[].data_tests[].relationships.to", "(required)"),
                entry("models[].columns[].data_tests[].relationships.field", "(required)"),
                entry("models[].columns[].data_tests[].relationships.config", ""),
                entry("models[].columns[].data_tests[].relationships.config.severity", "`error`")));
  }

  @Test
  void recordsEveryKeyOfADashboardWithItsDefault() {
    assertThat(defaults(DashboardSpec.DASHBOARD_DEF))
        .containsExactlyEntriesOf(
            entries(
                entry("title", "the file name"),
                entry("description", "`\"\"`"),
                entry("time-range", "`1d`"),
                entry("variables", "`[]`"),
                entry("variables[].name", "(required)"),
                entry("variables[].label", "the name"),
                entry("variables[].values", ""),
                entry("variables[].query", ""),
                entry("variables[].default", "the first value"),
                entry("panels", "(required)"),
                entry("panels[].id", "(required)"),
                entry("panels[].title", "the id"),
                entry("panels[].description", "`\"\"`"),
                entry("panels[].type", "(required)"),
                entry("panels[].sql", "(required)"),
                entry("panels[].x", "the first column"),
                entry("panels[].series", ""),
                entry("panels[].values", "every numeric column but `x` and `series`"),
                entry("panels[].width", "`6`"),
                entry("panels[].unit", "`\"\"`"),
                entry("panels[].decimals", "as the value has, at most 2"),
                entry("panels[].thresholds", "`[]`"),
                entry("panels[].thresholds[].value", "(required)"),
                entry("panels[].thresholds[].color", "(required)"),
                entry("panels[].max-rows", "`1000`")));
  }

  @Test
  void recordsEveryArgumentOfConfigWithItsDefault() {
    assertThat(defaults(ModelSpec.CONFIG_DEF))
        .containsExactlyEntriesOf(
            entries(
                entry("materialized", "`view`"),
                entry("unique_key", "`[]`"),
                entry("tags", "`[]`")));
  }

  @Test
  void recordsEveryArgumentOfATestsConfigWithItsDefault() {
    assertThat(defaults(ModelSpec.TEST_CONFIG_DEF))
        .containsExactlyEntriesOf(entries(entry("severity", "`error`")));
  }

  @SafeVarargs
  private static Map<String, String> entries(Map.Entry<String, String>... entries) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : entries) {
      map.put(entry.getKey(), entry.getValue());
    }
    return map;
  }

  static Map<String, String> defaults(ConfigDef def) {
    Map<String, String> defaults = new LinkedHashMap<>();
    collect("", def, defaults);
    return defaults;
  }

  private static void collect(String prefix, ConfigDef def, Map<String, String> defaults) {
    for (ConfigKey<?> key : def.keys()) {
      String path = prefix + key.name();
      defaults.put(path, key.required() ? "(required)" : key.defaultText());
      for (ConfigType.Nested nested : key.type().nested()) {
        collect(path + nested.suffix() + ".", nested.def(), defaults);
      }
    }
  }
}
