package io.sluice.bench;

import java.util.SplittableRandom;

/**
 * A deterministic clickstream: event {@code i} of a data set is a pure function of (seed, i,
 * population), so files can be written in parallel, an increment can be generated later, and a
 * second machine gets byte-identical input.
 *
 * <p>Events are spread over one week ({@link #START} + 7 days) in index order, with up to ±30
 * minutes of jitter so that files overlap in time and late events exist. An increment (indexes at
 * or beyond the population) continues the timeline past the week at the same rate.
 *
 * <p>Each position is either a fresh event or, with probability {@code duplicateRate}, an exact
 * re-send of an earlier event (up to 10,000 positions back, so across file boundaries). A fresh
 * event has, with probability {@code defectRate}, exactly one defect: a missing id, a negative
 * amount, an unparseable timestamp or an unknown event type.
 */
final class Clickstream {
  /** 2025-11-10T00:00:00Z, a Monday. */
  static final long START = 1_762_732_800_000L;

  static final long WEEK = 7L * 24 * 3600 * 1000;
  static final long JITTER = 30L * 60 * 1000;

  static final String[] EVENT_TYPES = {
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout",
    "purchase",
    "login"
  };
  // Cumulative weights (per 100) of EVENT_TYPES.
  private static final int[] TYPE_WEIGHTS = {40, 65, 75, 85, 88, 93, 98, 100};
  private static final String[] UNKNOWN_TYPES = {"click", "pageview", "Page_View", "wishlist_add"};
  private static final String[] COUNTRIES = {
    "DE", "FR", "NL", "BE", "AT", "CH", "IT", "ES", "PT", "PL", "SE", "DK", "NO", "FI", "IE", "GB",
    "US", "CA", "AU", "JP"
  };
  // Cumulative weights (per 1000) of COUNTRIES.
  private static final int[] COUNTRY_WEIGHTS = {
    220, 350, 430, 470, 510, 550, 610, 670, 690, 730, 760, 780, 800, 815, 830, 900, 960, 975, 990,
    1000
  };
  private static final String[] DEVICES = {"desktop", "mobile", "tablet"};
  private static final String[][] USER_AGENTS = {
    {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    },
    {
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.6778.81 Mobile Safari/537.36"
    },
    {
      "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/18.1 Mobile/15E148 Safari/604.1"
    }
  };
  private static final String[] CATEGORIES = {
    "electronics", "books", "garden", "fashion", "toys", "kitchen", "sports", "beauty"
  };
  private static final String[] SEARCH_TERMS = {
    "wireless+headphones", "running+shoes", "espresso+machine", "lego", "yoga+mat", "desk+lamp"
  };

  enum Defect {
    NONE,
    MISSING_ID,
    NEGATIVE_AMOUNT,
    BAD_TIMESTAMP,
    UNKNOWN_TYPE
  }

  /** The fields of one fresh event; {@link #render} turns it into an NDJSON line. */
  record Event(
      long index,
      Defect defect,
      long epochMillis,
      int type,
      int country,
      long amountCents,
      int user,
      int device,
      int agent,
      int variant) {

    long hour() {
      return Math.floorDiv(epochMillis, 3_600_000L);
    }
  }

  private final long seed;
  private final long population;
  private final double defectRate;
  private final double duplicateRate;

  Clickstream(long seed, long population, double defectRate, double duplicateRate) {
    if (population <= 0) {
      throw new IllegalArgumentException("population must be positive: " + population);
    }
    if (defectRate < 0 || defectRate > 1 || duplicateRate < 0 || duplicateRate > 1) {
      throw new IllegalArgumentException(
          "rates must be between 0 and 1: defects " + defectRate + ", duplicates " + duplicateRate);
    }
    this.seed = seed;
    this.population = population;
    this.defectRate = defectRate;
    this.duplicateRate = duplicateRate;
  }

  /** The index of the fresh event written at {@code position}: itself, or an earlier one. */
  long source(long position) {
    if (position == 0 || duplicateRate == 0) {
      return position;
    }
    SplittableRandom random = new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + position));
    if (random.nextDouble() >= duplicateRate) {
      return position;
    }
    return position - 1 - random.nextLong(Math.min(position, 10_000));
  }

  /** The fresh event {@code index}. */
  Event event(long index) {
    SplittableRandom random =
        new SplittableRandom(mix(seed * 0xC2B2AE3D27D4EB4FL + index) ^ 0x5DEECE66DL);
    double roll = random.nextDouble();
    Defect defect =
        roll < defectRate
            ? Defect.values()[1 + Math.min(3, (int) (roll / defectRate * 4))]
            : Defect.NONE;
    long slot = START + (long) ((double) WEEK * index / population);
    long millis = slot + random.nextLong(-JITTER, JITTER);
    int type = pick(TYPE_WEIGHTS, random.nextInt(100));
    int country = pick(COUNTRY_WEIGHTS, random.nextInt(1000));
    long cents =
        switch (EVENT_TYPES[type]) {
          case "product_view", "add_to_cart", "remove_from_cart", "checkout", "purchase" ->
              100 + random.nextInt(99_900);
          default -> 0;
        };
    int users = (int) Math.max(1_000, Math.min(population / 20, 5_000_000));
    int user = random.nextInt(users);
    int deviceRoll = random.nextInt(100);
    int device = deviceRoll < 45 ? 0 : deviceRoll < 90 ? 1 : 2;
    int agent = random.nextInt(USER_AGENTS[device].length);
    int variant = random.nextInt(1 << 20);
    if (defect == Defect.NEGATIVE_AMOUNT) {
      cents = -(1 + random.nextInt(99_999));
    }
    return new Event(index, defect, millis, type, country, cents, user, device, agent, variant);
  }

  /** The NDJSON line of {@code event} (ASCII; no newline). */
  static void render(Event e, StringBuilder out) {
    out.append('{');
    switch (e.defect() == Defect.MISSING_ID ? e.variant() % 2 : 2) {
      case 0 -> {} // the field is absent
      case 1 -> out.append("\"event_id\":null,");
      default -> {
        out.append("\"event_id\":\"evt-");
        hex16(mix(e.index() ^ 0x632BE59BD9B4E019L), out);
        out.append("\",");
      }
    }
    out.append("\"user_id\":\"u-");
    pad(e.user(), 7, out);
    long sessionSlot = Math.floorDiv(e.epochMillis(), 1_800_000L);
    out.append("\",\"session_id\":\"s-");
    pad(e.user(), 7, out);
    out.append('-');
    out.append(Long.toString(sessionSlot % 100_000, 36));
    out.append("\",\"event_type\":\"");
    if (e.defect() == Defect.UNKNOWN_TYPE) {
      out.append(UNKNOWN_TYPES[e.variant() % UNKNOWN_TYPES.length]);
    } else {
      out.append(EVENT_TYPES[e.type()]);
    }
    out.append("\",\"url\":\"https://shop.example.com");
    String category = CATEGORIES[e.variant() % CATEGORIES.length];
    switch (EVENT_TYPES[e.type()]) {
      case "page_view" ->
          out.append("/c/").append(category).append("?page=").append(e.variant() % 7 + 1);
      case "search" ->
          out.append("/search?q=").append(SEARCH_TERMS[e.variant() % SEARCH_TERMS.length]);
      case "login" -> out.append("/account/login?return=%2Fcart");
      case "checkout", "purchase" -> out.append("/checkout/").append(EVENT_TYPES[e.type()]);
      default ->
          out.append("/p/")
              .append(category)
              .append("/item-")
              .append(e.variant() % 50_000)
              .append("?ref=")
              .append(e.variant() % 3 == 0 ? "search" : "category");
    }
    out.append("\",\"amount\":");
    long cents = e.amountCents();
    if (cents < 0) {
      out.append('-');
      cents = -cents;
    }
    out.append(cents / 100).append('.');
    pad(cents % 100, 2, out);
    out.append(",\"currency\":\"").append(currency(e.country()));
    out.append("\",\"ts\":\"");
    timestamp(e, out);
    out.append("\",\"device\":\"").append(DEVICES[e.device()]);
    out.append("\",\"country\":\"").append(COUNTRIES[e.country()]);
    out.append("\",\"user_agent\":\"").append(USER_AGENTS[e.device()][e.agent()]);
    out.append("\"}");
  }

  private static void timestamp(Event e, StringBuilder out) {
    java.time.LocalDateTime t =
        java.time.LocalDateTime.ofEpochSecond(
            Math.floorDiv(e.epochMillis(), 1000L),
            (int) Math.floorMod(e.epochMillis(), 1000L) * 1_000_000,
            java.time.ZoneOffset.UTC);
    if (e.defect() == Defect.BAD_TIMESTAMP) {
      // Text that no ISO-8601 reader accepts: an hour of 25, a day-first date, a word.
      switch (e.variant() % 3) {
        case 0 -> {
          date(t, out);
          out.append("T25:");
          pad(t.getMinute(), 2, out);
          out.append(":00Z");
        }
        case 1 -> {
          pad(t.getDayOfMonth(), 2, out);
          out.append('/');
          pad(t.getMonthValue(), 2, out);
          out.append('/').append(t.getYear()).append(' ');
          pad(t.getHour(), 2, out);
          out.append(':');
          pad(t.getMinute(), 2, out);
        }
        default -> out.append("yesterday evening");
      }
      return;
    }
    date(t, out);
    out.append('T');
    pad(t.getHour(), 2, out);
    out.append(':');
    pad(t.getMinute(), 2, out);
    out.append(':');
    pad(t.getSecond(), 2, out);
    out.append('.');
    pad(t.getNano() / 1_000_000, 3, out);
    out.append('Z');
  }

  private static void date(java.time.LocalDateTime t, StringBuilder out) {
    out.append(t.getYear()).append('-');
    pad(t.getMonthValue(), 2, out);
    out.append('-');
    pad(t.getDayOfMonth(), 2, out);
  }

  static String currency(int country) {
    return switch (COUNTRIES[country]) {
      case "GB" -> "GBP";
      case "US" -> "USD";
      case "CA" -> "CAD";
      case "AU" -> "AUD";
      case "JP" -> "JPY";
      case "CH" -> "CHF";
      case "SE" -> "SEK";
      case "DK" -> "DKK";
      case "NO" -> "NOK";
      case "PL" -> "PLN";
      default -> "EUR";
    };
  }

  static int eventTypes() {
    return EVENT_TYPES.length;
  }

  static int countries() {
    return COUNTRIES.length;
  }

  private static int pick(int[] cumulative, int roll) {
    for (int i = 0; i < cumulative.length; i++) {
      if (roll < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private static void pad(long value, int width, StringBuilder out) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    out.append(digits);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static void hex16(long value, StringBuilder out) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      out.append(HEX[(int) (value >>> shift) & 0xF]);
    }
  }

  /** SplitMix64's finalizer: a bijection on longs, so distinct indexes get distinct ids. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
