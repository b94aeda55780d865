package io.sluice.cli.demo;

/**
 * Whole-batch defects the generator can build into a later batch ({@link
 * ShopGenerator.Options#withIncident}), each made to trip exactly one dataset check of the example
 * project ({@code dataset-checks:} in {@code examples/shop/sources/*.yaml}) on the run that lands
 * that batch, and no other check. Every record of such a batch is still valid or carries its one
 * row-level defect as usual: the incident shows only in the batch as a whole.
 */
public enum DatasetIncident {
  /**
   * The order system's export stopped after a tenth of the orders: trips {@code
   * orders.usual_volume} (volume, mean ± 3σ of the last 3 batches). Needs three later batches
   * before it that are not truncated, so that the window holds full exports only.
   */
  TRUNCATED_EXPORT(ShopGenerator.ORDERS, "usual_volume"),
  /**
   * A regional order export: every order of the batch is from Germany. Trips {@code
   * orders.countries} (distinct-count, at least 3 countries).
   */
  REGIONAL_EXPORT(ShopGenerator.ORDERS, "countries"),
  /**
   * A retrying checkout: every 50th valid order of the batch is sent twice, under a new order id
   * but with the same customer, time and amount. Each copy is a valid row (its id is new), so it
   * lands; trips {@code orders.no_double_submits} (an assertion over the batch).
   */
  DOUBLE_SUBMIT(ShopGenerator.ORDERS, "no_double_submits"),
  /**
   * The tracker's geo lookup failed: no click of the batch has {@code context.geo}. Trips {@code
   * clicks.country_known} (null-rate of country at most 5%).
   */
  GEO_OUTAGE(ShopGenerator.CLICKS, "country_known"),
  /**
   * The web tracker was down: the batch has no clicks file. Trips {@code clicks.tracker_alive}
   * (freshness, max-lag 36h) on a run at the batch's end ({@link ShopGenerator#dataEnd}), as the
   * newest click is then a whole batch old. Needs batches longer than the lag: {@code files} at
   * most 4.
   */
  TRACKER_DOWN(ShopGenerator.CLICKS, "tracker_alive");

  private final String source;
  private final String check;

  DatasetIncident(String source, String check) {
    this.source = source;
    this.check = check;
  }

  /** The source whose data the incident affects. */
  public String source() {
    return source;
  }

  /** The name of the dataset check of {@link #source()} it trips. */
  public String check() {
    return check;
  }
}
