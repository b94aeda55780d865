package io.sluice.cli.demo;

import java.util.Arrays;
import java.util.List;

/**
 * The defects the generator injects, one per defective record, each with the rule key under which
 * the pipeline must report it ({@code rule(column)}, or {@code parse} for unreadable input).
 *
 * <p>Within a source the kinds are used in declaration order, cycling, so each appears about
 * equally often. Duplicates come last in each source's cycle: a duplicate needs an earlier valid
 * record to copy.
 */
enum DefectKind {
  ORDER_MISSING_CUSTOMER(ShopGenerator.ORDERS, "not_null(customer_id)"),
  ORDER_NEGATIVE_AMOUNT(ShopGenerator.ORDERS, "range(amount)"),
  ORDER_UNKNOWN_STATUS(ShopGenerator.ORDERS, "accepted_values(status)"),
  ORDER_UNPARSEABLE_AMOUNT(ShopGenerator.ORDERS, "type(amount)"),
  ORDER_UNPARSEABLE_ORDERED_AT(ShopGenerator.ORDERS, "type(ordered_at)"),
  ORDER_BAD_CURRENCY(ShopGenerator.ORDERS, "regex(currency)"),
  ORDER_MALFORMED_LINE(ShopGenerator.ORDERS, "parse"),
  ORDER_UNKNOWN_CUSTOMER(ShopGenerator.ORDERS, "relationships(customer_id)"),
  ORDER_BAD_COUNTRY_CODE(ShopGenerator.ORDERS, "length(country)"),
  ORDER_UNAPPROVED_AMOUNT(ShopGenerator.ORDERS, "approved_amount"),
  ORDER_DUPLICATE_ID(ShopGenerator.ORDERS, "unique(order_id)"),

  CLICK_NOT_JSON(ShopGenerator.CLICKS, "parse"),
  CLICK_UNKNOWN_TYPE(ShopGenerator.CLICKS, "accepted_values(event_type)"),
  CLICK_MISSING_SESSION(ShopGenerator.CLICKS, "not_null(session_id)"),
  CLICK_UNPARSEABLE_TS(ShopGenerator.CLICKS, "type(event_time)"),
  /** Severity warn: the click lands, the failure is counted. */
  CLICK_UNENCODED_URL(ShopGenerator.CLICKS, "format(url)"),
  CLICK_DUPLICATE_ID(ShopGenerator.CLICKS, "unique(event_id)"),

  CUSTOMER_BAD_EMAIL(ShopGenerator.CUSTOMERS, "regex(email)"),
  CUSTOMER_MISSING_REF(ShopGenerator.CUSTOMERS, "not_null(customer_id)"),
  CUSTOMER_UNKNOWN_TIER(ShopGenerator.CUSTOMERS, "accepted_values(segment)"),
  CUSTOMER_UNPARSEABLE_CREATED(ShopGenerator.CUSTOMERS, "type(signed_up_on)"),
  CUSTOMER_DUPLICATE_REF(ShopGenerator.CUSTOMERS, "unique(customer_id)");

  private final String source;
  private final String rule;

  DefectKind(String source, String rule) {
    this.source = source;
    this.rule = rule;
  }

  String source() {
    return source;
  }

  /** The failure key the pipeline reports, e.g. {@code not_null(customer_id)}. */
  String rule() {
    return rule;
  }

  /** Whether the rule has severity warn: the record lands and the failure is only counted. */
  boolean warn() {
    return this == CLICK_UNENCODED_URL;
  }

  boolean duplicate() {
    return rule.startsWith("unique(");
  }

  static List<DefectKind> of(String source) {
    return Arrays.stream(values()).filter(k -> k.source.equals(source)).toList();
  }
}
