package io.sluice.core.run;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.api.source.ConnectorCapabilities;
import io.sluice.api.source.ConnectorFactory;
import io.sluice.api.source.SourceConnector;
import io.sluice.api.source.SourceContext;
import io.sluice.config.ConfigDef;
import io.sluice.core.project.Location;
import io.sluice.core.project.SourceDef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A source whose connector reads changes (deletes too) must declare a primary key. */
class ChangelogPrimaryKeyTest {
  private static final Path PROJECT = Path.of("/p");

  private static ConnectorFactory factory(boolean changelog) {
    return new ConnectorFactory() {
      @Override
      public String name() {
        return "changes";
      }

      @Override
      public String description() {
        return "test";
      }

      @Override
      public ConfigDef options() {
        return ConfigDef.builder("changes", "test").build();
      }

      @Override
      public ConnectorCapabilities capabilities() {
        return new ConnectorCapabilities(
            ConnectorCapabilities.PositionKind.LOG_SEQUENCE_NUMBER,
            ConnectorCapabilities.Delivery.EXACTLY_ONCE,
            Set.of(),
            false,
            true,
            changelog,
            false);
      }

      @Override
      public SourceConnector create(SourceContext context) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static SourceDef source(List<String> primaryKey) {
    return new SourceDef(
        "customers",
        new Location(PROJECT.resolve("sources/customers.yaml"), 1, 1),
        "",
        "changes",
        Map.of(),
        Optional.empty(),
        SourceDef.Granularity.DAY,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        SourceDef.LatePolicy.ACCEPT,
        List.of(),
        SourceDef.DriftPolicy.DEFAULT,
        primaryKey);
  }

  @Test
  void aChangelogConnectorWithoutAPrimaryKeyIsAUserErrorNamingTheFile() {
    assertThatThrownBy(
            () ->
                ProjectRuntime.requirePrimaryKeyForChangelog(
                    source(List.of()), factory(true), PROJECT))
        .isInstanceOfSatisfying(
            SluiceException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.category())
                    .isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("sources/customers.yaml")
        .hasMessageContaining("connector 'changes', which reads changes")
        .hasMessageContaining("needs a primary-key");
  }

  @Test
  void aChangelogConnectorWithAPrimaryKeyOrAnAppendOnlyConnectorIsFine() {
    assertThatCode(
            () ->
                ProjectRuntime.requirePrimaryKeyForChangelog(
                    source(List.of("id")), factory(true), PROJECT))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                ProjectRuntime.requirePrimaryKeyForChangelog(
                    source(List.of()), factory(false), PROJECT))
        .doesNotThrowAnyException();
  }
}
