package io.sluice.ui;

import io.sluice.ui.pages.LakePage;
import io.sluice.ui.pages.OverviewPage;
import io.sluice.ui.pages.PipelinePage;
import io.sluice.ui.pages.QualityPage;
import io.sluice.ui.pages.QuarantineEndpoint;
import io.sluice.ui.pages.QuarantinePage;
import io.sluice.ui.pages.QuarantineReplayEndpoint;
import io.sluice.ui.pages.RunsPage;
import io.sluice.ui.pages.SqlEndpoint;
import io.sluice.ui.pages.SqlPage;
import java.util.List;

/** The console's pages and endpoints, in the order the navigation lists them. */
final class Pages {
  private Pages() {}

  static List<Page> all() {
    return List.of(
        new OverviewPage(),
        new PipelinePage(),
        new RunsPage(),
        new QualityPage(),
        new QuarantinePage(),
        new LakePage(),
        new io.sluice.ui.dashboard.DashboardsPage(),
        new SqlPage());
  }

  static List<Endpoint> endpoints() {
    return List.of(
        new QuarantineEndpoint(),
        new QuarantineReplayEndpoint(),
        new io.sluice.ui.dashboard.PanelDataEndpoint(),
        new io.sluice.ui.dashboard.DashboardEventsEndpoint(),
        new SqlEndpoint());
  }
}
