package io.sluice.server;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestration API of {@code sluice serve} ({@code /v1/pipelines}, {@code /v1/runs}, {@code
 * /v1/schedules}, {@code /v1/backfills}): what the server asks of the project. The server routes,
 * checks the bearer token, parses and validates requests, and renders what this returns as JSON;
 * the implementation (the CLI's, over the project's runtime and run history) does the work.
 *
 * <p>Values returned are JSON values: {@link Map} (with string keys), {@link List}, {@link String},
 * {@link Number}, {@link Boolean} or null. Methods are called from HTTP threads, concurrently. A
 * request that cannot be answered throws {@link Refusal} (its status and message are the answer),
 * or an {@link io.sluice.api.SluiceException} of category USER (answered 400); anything else is
 * answered 500 without its message.
 */
public interface OrchestrationEndpoint {
  /** The project: its sources, models and schedules. */
  Map<String, Object> pipelines();

  /** Runs of the run history, newest first. */
  List<Object> runs(RunQuery query);

  /** One run with its attempts and steps; {@link Refusal#notFound} when there is none. */
  Map<String, Object> run(String id);

  /**
   * Queues a run and returns it at once (with its {@code id}); it runs on the server's runtime, one
   * at a time, between micro-batches.
   */
  Map<String, Object> trigger(RunTrigger trigger);

  /**
   * Queues a run of what run {@code id} asked for (its selection, full refresh and backfill window)
   * and returns it at once, as {@link #trigger} does; the new run's trigger is {@code retry:ID},
   * which links it to the run it retries. {@link Refusal#notFound} when there is no such run,
   * {@link Refusal#conflict} when it succeeded or has not ended.
   */
  Map<String, Object> retry(String id);

  /** The schedules, with their state. */
  List<Object> schedules();

  /** Pauses or resumes a schedule and returns it. */
  Map<String, Object> pauseSchedule(String name, boolean paused);

  /** Starts a backfill and returns it at once (with its {@code id}). */
  Map<String, Object> startBackfill(BackfillStart backfill);

  /** One backfill with its progress. */
  Map<String, Object> backfill(String id);

  /** Asks a backfill to stop after the steps in progress; returns it. */
  Map<String, Object> cancelBackfill(String id);

  /**
   * Filters of {@code GET /v1/runs}.
   *
   * @param limit at most this many runs
   * @param status only runs of this status ({@code ok}, {@code failed}, ...)
   * @param trigger only runs whose trigger starts with this; empty for all
   */
  record RunQuery(int limit, Optional<String> status, String trigger) {
    public RunQuery {
      requireNonNull(status, "status is null");
      requireNonNull(trigger, "trigger is null");
    }
  }

  /**
   * The body of {@code POST /v1/runs}.
   *
   * @param select selectors of what to run (empty: everything)
   * @param exclude selectors of what to leave out
   * @param fullRefresh rebuild the selected models whole
   */
  record RunTrigger(List<String> select, List<String> exclude, boolean fullRefresh) {
    public RunTrigger {
      select = List.copyOf(select);
      exclude = List.copyOf(exclude);
    }
  }

  /**
   * The body of {@code POST /v1/backfills}.
   *
   * @param from first day
   * @param to last day (included)
   * @param select selectors of what to reprocess (empty: everything)
   * @param exclude selectors of what to leave out
   * @param mode {@code missing}, {@code failed} or {@code all}
   * @param parallel days processed at once
   * @param dryRun only plan: say what would be reprocessed
   */
  record BackfillStart(
      LocalDate from,
      LocalDate to,
      List<String> select,
      List<String> exclude,
      String mode,
      int parallel,
      boolean dryRun) {
    public BackfillStart {
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
      select = List.copyOf(select);
      exclude = List.copyOf(exclude);
      requireNonNull(mode, "mode is null");
    }
  }

  /** A request the endpoint refuses, with the HTTP status to answer and the reason. */
  final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    private Refusal(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }

    /** 400: the request is wrong (the reason says how). */
    public static Refusal badRequest(String reason) {
      return new Refusal(400, reason);
    }

    /** 404: no such run, schedule or backfill. */
    public static Refusal notFound(String reason) {
      return new Refusal(404, reason);
    }

    /** 409: the request conflicts with the state (e.g. a backfill that already ended). */
    public static Refusal conflict(String reason) {
      return new Refusal(409, reason);
    }

    /** 429: too many runs wait already. */
    public static Refusal tooMany(String reason) {
      return new Refusal(429, reason);
    }

    /** 503: the server cannot take it now (e.g. it is stopping); the client may retry later. */
    public static Refusal unavailable(String reason) {
      return new Refusal(503, reason);
    }

    /** 501: this server cannot do it (yet). */
    public static Refusal notImplemented(String reason) {
      return new Refusal(501, reason);
    }

    public int status() {
      return status;
    }
  }
}
