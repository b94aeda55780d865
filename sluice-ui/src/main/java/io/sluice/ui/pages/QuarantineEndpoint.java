package io.sluice.ui.pages;

import io.sluice.server.Access;
import io.sluice.ui.Endpoint;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET
 * /ui/api/quarantine?source=S[&rule=R][&file=F][&line=N][&batch=B][&limit=N][&offset=N]}: one page
 * of a source's quarantined records, as the quarantine browser shows them.
 */
public final class QuarantineEndpoint implements Endpoint {
  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Set<String> parameters() {
    return QuarantineRecords.PARAMETERS;
  }

  @Override
  public String path() {
    return "/ui/api/quarantine";
  }

  @Override
  public Access needs() {
    return Access.VIEWER;
  }

  @Override
  public Object answer(PageRequest request) {
    if (!request.tail().isEmpty()) {
      throw PageException.notFound("no endpoint at " + path() + "/" + request.tail());
    }
    QuarantineRecords.Result result =
        QuarantineRecords.read(
            request.console(), QuarantineRecords.query(request, Optional.empty()));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("filter", result.query().parameters(result.query().offset()));
    json.put("total", result.total());
    json.put("offset", result.query().offset());
    json.put("limit", result.query().limit());
    json.put("records", result.rows().stream().map(QuarantineEndpoint::json).toList());
    return json;
  }

  private static Map<String, Object> json(QuarantineRecords.Row row) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batch", row.batch());
    json.put("ingested-at", row.ingestedAt());
    json.put("file", row.file());
    json.put("line", row.line());
    json.put("record", row.record());
    json.put("reasons", row.reasons());
    return json;
  }
}
