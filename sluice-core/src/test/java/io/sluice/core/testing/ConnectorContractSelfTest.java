package io.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.sluice.core.testing.MemoryConnectorContractTest.Fault;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The connector contract notices broken connectors: the in-memory reference connector passes it
 * ({@link MemoryConnectorContractTest}), and each bug built into it fails the test that should
 * catch it.
 */
class ConnectorContractSelfTest {
  /** The names of the suite's tests that fail on {@code testClass}. */
  private static Set<String> failing(Class<?> testClass) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
            listener);
    TestExecutionSummary summary = listener.getSummary();
    assertThat(summary.getTestsFoundCount()).as("tests of %s", testClass).isGreaterThan(10);
    Set<String> names = new TreeSet<>();
    for (TestExecutionSummary.Failure failure : summary.getFailures()) {
      names.add(failure.getTestIdentifier().getDisplayName().replace("()", ""));
    }
    return names;
  }

  @Test
  void aConnectorThatIgnoresCommittedPositionsFailsTheRestartTests() {
    assertThat(failing(IgnoresCommitted.class))
        .contains(
            "readsEveryRecordOnceAndCommittedPositionsPlanNothingMore",
            "aRestartFromCommittedPositionsReadsTheNewRecordsOnly",
            "aCrashBetweenReadAndCommitReadsExactlyTheUncommittedRecordsAgain");
  }

  @Test
  void aConnectorThatConsumesWhatItReadBeforeTheCommitFailsTheCrashTest() {
    assertThat(failing(ConsumesOnRead.class))
        .containsExactly("aCrashBetweenReadAndCommitReadsExactlyTheUncommittedRecordsAgain");
  }

  @Test
  void aConnectorThatLosesTheMalformedPositionFailsTheMalformedTest() {
    assertThat(failing(LosesMalformedPosition.class))
        .contains("aMalformedRecordReachesTheSinkWithItsSplitAndPosition");
  }

  @Test
  void aConnectorThatLeaksAThreadFailsTheCloseTest() {
    assertThat(failing(LeaksThread.class))
        .containsExactly("closeReleasesEverythingAndMayBeCalledTwice");
  }

  static class IgnoresCommitted extends MemoryConnectorContractTest {
    @Override
    Set<Fault> faults() {
      return EnumSet.of(Fault.IGNORES_COMMITTED);
    }
  }

  static class ConsumesOnRead extends MemoryConnectorContractTest {
    @Override
    Set<Fault> faults() {
      return EnumSet.of(Fault.CONSUMES_ON_READ);
    }
  }

  static class LosesMalformedPosition extends MemoryConnectorContractTest {
    @Override
    Set<Fault> faults() {
      return EnumSet.of(Fault.LOSES_MALFORMED_POSITION);
    }
  }

  static class LeaksThread extends MemoryConnectorContractTest {
    @Override
    Set<Fault> faults() {
      return EnumSet.of(Fault.LEAKS_THREAD);
    }
  }
}
