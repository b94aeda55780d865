package io.sluice.ui.pages;

import io.sluice.core.project.SourceDef;
import io.sluice.core.run.BatchHistory;
import io.sluice.core.run.QualityReport;
import io.sluice.ui.Html;
import io.sluice.ui.Page;
import io.sluice.ui.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The overview ({@code /ui/}): each source with its connector, freshness (the age of its last
 * batch), last batch, quality score and backlog, and the processor's state.
 */
public final class OverviewPage implements Page {
  @Override
  public String path() {
    return "/ui/";
  }

  @Override
  public String title() {
    return "Overview";
  }

  @Override
  public void render(PageRequest request, Html html) {
    var console = request.console();
    Map<String, Object> status = console.status().get();
    Instant now = console.clock().instant();
    List<List<?>> rows = new ArrayList<>();
    for (SourceDef source : console.project().sources()) {
      QualityReport.Dataset dataset =
          QualityReport.of(console.project(), console.runtime().lake(), source.name());
      List<BatchHistory.Batch> batches = dataset.history().batchList();
      BatchHistory.Batch last = batches.isEmpty() ? null : batches.get(batches.size() - 1);
      rows.add(
          List.of(
              source.name(),
              source.connector(),
              last == null ? "never" : Format.age(Duration.between(last.committedAt(), now)),
              last == null ? "" : last.batchId(),
              dataset.history().rowsValid(),
              dataset.history().rowsQuarantined(),
              last == null ? "" : Format.percent(last.score()),
              backlog(status, source.name())));
    }
    html.raw("<section>")
        .element("h2", "Sources")
        .table(
            "id=\"sources\"",
            List.of(
                "source",
                "connector",
                "last batch",
                "batch id",
                "rows landed",
                "quarantined",
                "quality (last batch)",
                "backlog"),
            rows)
        .raw("</section>");
    Object processor = status.get("processor");
    html.raw("<section>").element("h2", "Processor");
    html.element("p", "id=\"status\"", "Status: " + status.getOrDefault("status", "not serving"));
    if (processor instanceof Map<?, ?> values) {
      List<List<?>> facts = new ArrayList<>();
      values.forEach(
          (key, value) -> facts.add(List.of(String.valueOf(key), String.valueOf(value))));
      html.table("id=\"processor\"", List.of("", ""), facts);
    }
    html.raw("</section>");
  }

  private static String backlog(Map<String, Object> status, String source) {
    if (status.get("streams") instanceof Map<?, ?> streams
        && streams.get(source) instanceof Map<?, ?> stream) {
      return String.valueOf(stream.get("backlog"));
    }
    return "";
  }
}
