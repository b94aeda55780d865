package io.sluice.ui.dashboard;

import io.sluice.server.Access;
import io.sluice.ui.EventStream;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /ui/api/dashboard-events/NAME}: the Server-Sent Events of one open dashboard page (see
 * {@link DashboardEvents}).
 */
public final class DashboardEventsEndpoint implements EventStream {
  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/ui/api/dashboard-events";
  }

  @Override
  public Access needs() {
    return Access.VIEWER;
  }

  @Override
  public void open(PageRequest request, Request http, Response response, Callback callback) {
    var dashboard = DashboardsPage.dashboard(request, request.tail());
    if (!request.console().dashboardEvents().open(dashboard, http, response, callback)) {
      throw new PageException(
          503, "too many open dashboard pages (or the server is stopping); retry later");
    }
  }
}
