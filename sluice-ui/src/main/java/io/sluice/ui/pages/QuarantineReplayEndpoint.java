package io.sluice.ui.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.ErrorCategory;
import io.sluice.api.SluiceException;
import io.sluice.config.DidYouMean;
import io.sluice.core.project.EngineOverride;
import io.sluice.core.project.Project;
import io.sluice.core.project.ProjectLoader;
import io.sluice.core.project.SourceDef;
import io.sluice.core.run.QuarantineReplay;
import io.sluice.server.Access;
import io.sluice.ui.Endpoint;
import io.sluice.ui.PageException;
import io.sluice.ui.PageRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ui/api/quarantine/replay} with {@code {"source": S, "rule": R, "dry-run": true}}:
 * replays a source's quarantined records (or those that failed rule {@code R}) after a fix, as
 * {@code sluice quarantine replay} does, with the source as the project's files define it now (read
 * again for each call). A dry run reports what would land and commits nothing.
 *
 * <p>The replay runs on the serve's runtime while no micro-batch or run does ({@link
 * io.sluice.core.run.ProjectRuntime#runExclusively}): the request waits for the batch in progress.
 * One replay at a time; another asked for meanwhile is refused (409).
 */
public final class QuarantineReplayEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(QuarantineReplayEndpoint.class);
  private static final Set<String> KEYS = Set.of("source", "rule", "dry-run");

  private final Semaphore replaying = new Semaphore(1);

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public String path() {
    return "/ui/api/quarantine/replay";
  }

  @Override
  public Access needs() {
    return Access.OPERATOR;
  }

  @Override
  public Object answer(PageRequest request) {
    if (!request.tail().isEmpty()) {
      throw PageException.notFound("no endpoint at " + path() + "/" + request.tail());
    }
    JsonNode body = request.json();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw PageException.badRequest(
            "unknown key '"
                + name
                + "'"
                + DidYouMean.hint(name, KEYS)
                + "; a replay takes: source, rule, dry-run");
      }
    }
    Project running = request.console().project();
    List<String> sources = running.sources().stream().map(SourceDef::name).toList();
    String source =
        text(body, "source")
            .orElseThrow(
                () ->
                    PageException.badRequest(
                        "'source' is required; the sources are: " + String.join(", ", sources)));
    Optional<String> rule = text(body, "rule");
    JsonNode dryRunNode = body.path("dry-run");
    if (!dryRunNode.isMissingNode() && !dryRunNode.isBoolean()) {
      throw PageException.badRequest("'dry-run' must be true or false, not " + dryRunNode);
    }
    boolean dryRun = dryRunNode.asBoolean(false);
    Project current = reload(running);
    if (current.source(source).isEmpty()) {
      List<String> now = current.sources().stream().map(SourceDef::name).toList();
      throw PageException.badRequest(
          "unknown source '"
              + source
              + "'"
              + DidYouMean.hint(source, now)
              + "; the sources are: "
              + String.join(", ", now));
    }
    if (!replaying.tryAcquire()) {
      throw new PageException(409, "A replay is in progress; try again when it has finished");
    }
    QuarantineReplay.Result result;
    try {
      result =
          request
              .console()
              .runtime()
              .replay(current, request.console().clock(), source, rule, dryRun);
    } catch (SluiceException e) {
      throw refused(e);
    } finally {
      replaying.release();
    }
    LOG.info(
        "Quarantine replay of {}{} from the console{}: {} replayed, {} landed, {} still quarantined",
        source,
        rule.map(r -> " (rule " + r + ")").orElse(""),
        dryRun ? " (dry run)" : "",
        result.replayed(),
        result.landed(),
        result.stillQuarantined());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", result.source());
    json.put("rule", rule.orElse(null));
    json.put("dry-run", result.dryRun());
    json.put("batch-id", result.batchId().isEmpty() ? null : result.batchId());
    json.put("replayed", result.replayed());
    json.put("resolved", result.landed());
    json.put("still-failing", result.stillQuarantined());
    json.put("still-failing-by-rule", result.failuresByRule());
    json.put("millis", result.millis());
    return json;
  }

  /** The project as its files define it now, on the engine the running one uses. */
  private static Project reload(Project running) {
    try {
      return ProjectLoader.load(
          running.directory(), new EngineOverride(Optional.of(running.engine()), Map.of()));
    } catch (SluiceException e) {
      throw PageException.badRequest(
          "The project's files do not load, so nothing was replayed: " + e.getMessage());
    }
  }

  private static Optional<String> text(JsonNode body, String key) {
    JsonNode node = body.path(key);
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw PageException.badRequest("'" + key + "' must be a non-empty string, not " + node);
    }
    return Optional.of(node.asText().trim());
  }

  /** A refusal of the replay: the operator's to fix (400), or the project busy elsewhere (409). */
  private static RuntimeException refused(SluiceException e) {
    if (e.category() == ErrorCategory.USER) {
      return PageException.badRequest(e.getMessage());
    }
    if (e.category() == ErrorCategory.EXTERNAL) {
      return new PageException(409, e.getMessage());
    }
    return e;
  }
}
