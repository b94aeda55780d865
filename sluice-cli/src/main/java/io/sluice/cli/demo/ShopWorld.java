package io.sluice.cli.demo;

import io.sluice.cli.demo.Truth.Defect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The shop's state across batches: ids handed out, the valid records a duplicate may copy, and one
 * random stream per batch and source. Not thread-safe.
 */
final class ShopWorld {
  private static final long DAY_MILLIS = 86_400_000L;
  private static final long SPAN_MILLIS = ShopGenerator.DAYS * DAY_MILLIS;
  private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "PL", "SE"};
  private static final int[] COUNTRY_WEIGHTS = {30, 20, 12, 12, 12, 8, 6};
  private static final String[][] CITIES = {
    {"Berlin", "Hamburg", "Munich", "Cologne"},
    {"Paris", "Lyon", "Marseille", "Lille"},
    {"Amsterdam", "Rotterdam", "Utrecht"},
    {"Madrid", "Barcelona", "Valencia"},
    {"Rome", "Milan", "Turin", "Naples"},
    {"Warsaw", "Krakow", "Gdansk"},
    {"Stockholm", "Gothenburg", "Malmo"}
  };
  private static final String[] FIRST_NAMES = {
    "Anna", "Lukas", "Emma", "Noah", "Mia", "Louis", "Sofia", "Hugo", "Lea", "Jan", "Julia",
    "Marco", "Elena", "Piotr", "Zofia", "Erik", "Astrid", "Lucas", "Chloe", "Daan", "Sara",
    "Matteo", "Giulia", "Pablo", "Lucia", "Oskar", "Maja", "Felix", "Clara", "Leon"
  };
  private static final String[] LAST_NAMES = {
    "Schmidt", "Muller", "Martin", "Bernard", "de Jong", "Jansen", "Garcia", "Lopez", "Rossi",
    "Russo", "Nowak", "Kowalski", "Andersson", "Johansson", "Weber", "Dubois", "Bakker", "Moreno",
    "Ferrari", "Lewandowski", "Lindqvist", "Fischer", "Laurent", "Visser", "Romero", "Bianchi"
  };
  private static final String[] EMAIL_DOMAINS = {
    "example.com", "example.org", "mail.example.net", "post.example.de"
  };
  private static final String[] STATUSES = {"placed", "paid", "shipped", "cancelled"};
  private static final int[] STATUS_WEIGHTS = {15, 45, 30, 10};
  // An empty currency is valid: the source's default (EUR) fills it in.
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", ""};
  private static final int[] CURRENCY_WEIGHTS = {80, 12, 6, 2};
  // null: the record has no tier; the source's default (standard) fills it in.
  private static final String[] TIERS = {
    "Standard", "standard", "STANDARD", null, "Gold", "gold", "GOLD", "Platinum", "platinum"
  };
  private static final int[] TIER_WEIGHTS = {25, 20, 5, 10, 15, 10, 5, 6, 4};
  private static final String[] DEVICES = {"mobile", "desktop", "tablet", null};
  private static final int[] DEVICE_WEIGHTS = {55, 35, 8, 2};
  private static final String[] CATEGORIES = {"shoes", "jackets", "bags", "shirts", "hats"};
  private static final int LATE_PERCENT = 5;
  private static final long SESSION_MARGIN_MILLIS = 15 * 60_000L;
  private static final int CLICK_SAMPLE_SIZE = 1024;
  private static final DateTimeFormatter CLICK_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_FIRST =
      DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GERMAN_DATE =
      DateTimeFormatter.ofPattern("dd.MM.yyyy", Locale.ROOT);
  private static final DateTimeFormatter US_DATE =
      DateTimeFormatter.ofPattern("MM/dd/yyyy", Locale.ROOT);

  private final ShopGenerator.Options options;
  private final SplittableRandom root;
  private final long salt;
  private int batch;

  private long nextOrderId = 100_001;
  private int nextCustomer = 1;
  private long eventCounter;
  private long sessionCounter;
  private final LongList validOrders = new LongList();
  private final LongList validCustomers = new LongList();
  // A uniform sample of the valid click lines so far: duplicates are exact re-sends of one.
  private final List<String> validClickSample = new ArrayList<>();
  private long validClicks;

  ShopWorld(ShopGenerator.Options options) {
    this.options = options;
    this.root = new SplittableRandom(options.seed());
    this.salt = mix64(options.seed());
  }

  /** Generates the next batch, writing each file through {@code open}. */
  Truth nextBatch(Function<String, Writer> open) {
    int files = batch == 0 ? options.files() : 1;
    int firstFile = batch == 0 ? 1 : options.files() + batch;
    long window = SPAN_MILLIS / options.files();
    long start =
        options.startDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
            + (batch == 0 ? 0 : SPAN_MILLIS + (batch - 1) * window);
    int customers =
        batch == 0 ? options.customers() : ceilDiv(options.customers(), options.files());
    int orders = batch == 0 ? options.orders() : ceilDiv(options.orders(), options.files());
    int clicks = batch == 0 ? options.clicks() : ceilDiv(options.clicks(), options.files());
    Set<DatasetIncident> incidents = options.incidentsOf(batch);
    if (incidents.contains(DatasetIncident.TRUNCATED_EXPORT)) {
      orders = Math.max(1, orders / 10);
    }

    // One stream per source, split in a fixed order, so that each source's data depends only on
    // the options and the batch number.
    SplittableRandom customerRandom = root.split();
    SplittableRandom orderRandom = root.split();
    SplittableRandom clickRandom = root.split();

    TreeMap<String, Truth.Source> sources = new TreeMap<>();
    TreeMap<LocalDate, BigDecimal> revenue = new TreeMap<>();
    sources.put(
        ShopGenerator.CUSTOMERS,
        new CustomerWriter(customerRandom, customers, start, start + files * window)
            .write(open, "data/customers/customers-" + number(batch + 1) + ".json"));
    sources.put(
        ShopGenerator.ORDERS,
        new OrderWriter(orderRandom, orders, revenue, incidents)
            .write(open, firstFile, files, start, window)
            .withFailedChecks(checksOf(incidents, ShopGenerator.ORDERS)));
    sources.put(
        ShopGenerator.CLICKS,
        (incidents.contains(DatasetIncident.TRACKER_DOWN)
                ? new Truth.Source(ShopGenerator.CLICKS, List.of(), 0, List.of())
                : new ClickWriter(clickRandom, clicks, incidents)
                    .write(open, firstFile, files, start, window))
            .withFailedChecks(checksOf(incidents, ShopGenerator.CLICKS)));
    batch++;
    return new Truth(sources, revenue);
  }

  private static List<String> checksOf(Set<DatasetIncident> incidents, String source) {
    return incidents.stream().filter(i -> i.source().equals(source)).map(i -> i.check()).toList();
  }

  // ---------------------------------------------------------------------------------------------

  /** Decides which records of one source and batch are defective, and of which kind. */
  private static final class DefectPlan {
    private final BitSet defective;
    private final List<DefectKind> kinds;
    private final SplittableRandom random;
    private int ordinal;

    DefectPlan(SplittableRandom random, int records, double rate, String source) {
      this.random = random;
      this.kinds = DefectKind.of(source);
      int count = (int) Math.round(records * rate);
      // Floyd's algorithm: a uniformly random subset of `count` record indexes.
      defective = new BitSet(records);
      for (int j = records - count; j < records; j++) {
        int t = random.nextInt(j + 1);
        defective.set(defective.get(t) ? j : t);
      }
    }

    /**
     * The defect of record {@code index} (records are asked in order), or null if it is valid.
     *
     * @param canDuplicate whether an earlier valid record exists to be duplicated
     */
    DefectKind kindOf(int index, boolean canDuplicate) {
      if (!defective.get(index)) {
        return null;
      }
      DefectKind kind = kinds.get(ordinal++ % kinds.size());
      // Only when every earlier record is defective (tiny inputs, rates near 1): a duplicate of a
      // defective record would fail more than one rule, so the record gets the first kind instead.
      return kind.duplicate() && !canDuplicate ? kinds.get(0) : kind;
    }

    SplittableRandom random() {
      return random;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Customers

  private final class CustomerWriter {
    private final SplittableRandom random;
    private final int count;
    private final long from;
    private final long to;

    CustomerWriter(SplittableRandom random, int count, long from, long to) {
      this.random = random;
      this.count = count;
      this.from = from;
      this.to = to;
    }

    Truth.Source write(Function<String, Writer> open, String file) {
      DefectPlan plan =
          new DefectPlan(random, count, options.defectRate(), ShopGenerator.CUSTOMERS);
      List<Defect> defects = new ArrayList<>();
      int[] variants = new int[DefectKind.values().length];
      try (Writer out = open.apply(file)) {
        for (int i = 0; i < count; i++) {
          DefectKind kind = plan.kindOf(i, validCustomers.size() > 0);
          long ref;
          if (kind == DefectKind.CUSTOMER_DUPLICATE_REF) {
            ref = validCustomers.get(random.nextInt(validCustomers.size()));
          } else {
            ref = nextCustomer++;
          }
          String first = pick(FIRST_NAMES);
          String last = pick(LAST_NAMES);
          int country = weighted(COUNTRY_WEIGHTS);
          String local =
              (first + "." + last).toLowerCase(Locale.ROOT).replace(" ", "")
                  + (random.nextInt(3) == 0 ? Integer.toString(random.nextInt(10, 100)) : "");
          String domain = pick(EMAIL_DOMAINS);
          String email = local + "@" + domain;
          LocalDate created = createdDate();
          String createdText = created.toString();
          String tier = TIERS[weighted(TIER_WEIGHTS)];
          boolean withRef = true;
          if (kind != null) {
            int variant = variants[kind.ordinal()]++;
            switch (kind) {
              case CUSTOMER_BAD_EMAIL ->
                  email =
                      switch (variant % 3) {
                        case 0 -> local + "(at)" + domain;
                        // No top-level domain: "anna.schmidt@example".
                        case 1 -> local + "@" + domain.substring(0, domain.indexOf('.'));
                        default -> first.toLowerCase(Locale.ROOT) + " " + email;
                      };
              case CUSTOMER_MISSING_REF -> withRef = false;
              case CUSTOMER_UNKNOWN_TIER -> tier = variant % 2 == 0 ? "Diamond" : "bronze";
              case CUSTOMER_UNPARSEABLE_CREATED ->
                  createdText = created.format(variant % 2 == 0 ? GERMAN_DATE : US_DATE);
              default -> {
                // CUSTOMER_DUPLICATE_REF: an otherwise valid record reusing a valid ref.
              }
            }
            defects.add(new Defect(file, i + 1L, kind.rule()));
          } else {
            validCustomers.add(ref);
          }
          StringBuilder line = new StringBuilder("{");
          if (withRef) {
            line.append("\"customerRef\":").append(Text.json(customerId(ref))).append(',');
          }
          line.append("\"name\":{\"first\":")
              .append(Text.json(first))
              .append(",\"last\":")
              .append(Text.json(last))
              .append("},\"contact\":{\"emailAddress\":")
              .append(Text.json(email))
              .append("},\"address\":{\"city\":")
              .append(Text.json(CITIES[country][random.nextInt(CITIES[country].length)]))
              .append(",\"countryCode\":")
              .append(Text.json(COUNTRIES[country]))
              .append("},\"createdDate\":")
              .append(Text.json(createdText));
          if (tier != null) {
            line.append(",\"tier\":").append(Text.json(tier));
          }
          out.write(line.append("}\n").toString());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Truth.Source(ShopGenerator.CUSTOMERS, List.of(file), count, defects);
    }

    private LocalDate createdDate() {
      // The initial customers signed up over the two years before the data starts; later ones
      // during their batch's days.
      long millis =
          batch == 0
              ? from - DAY_MILLIS - random.nextLong(730 * DAY_MILLIS)
              : from + random.nextLong(Math.max(1, to - from));
      return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private String pick(String[] values) {
      return values[random.nextInt(values.length)];
    }

    private int weighted(int[] weights) {
      return ShopWorld.weighted(random, weights);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Orders

  private final class OrderWriter {
    private static final String HEADER =
        "order_id,customer_id,ordered_at,status,amount,currency,country\n";

    private final SplittableRandom random;
    private final int count;
    private final TreeMap<LocalDate, BigDecimal> revenue;
    private final boolean regional;
    private final boolean doubleSubmits;

    OrderWriter(
        SplittableRandom random,
        int count,
        TreeMap<LocalDate, BigDecimal> revenue,
        Set<DatasetIncident> incidents) {
      this.random = random;
      this.count = count;
      this.revenue = revenue;
      this.regional = incidents.contains(DatasetIncident.REGIONAL_EXPORT);
      this.doubleSubmits = incidents.contains(DatasetIncident.DOUBLE_SUBMIT);
    }

    Truth.Source write(
        Function<String, Writer> open, int firstFile, int files, long start, long window) {
      DefectPlan plan = new DefectPlan(random, count, options.defectRate(), ShopGenerator.ORDERS);
      List<Defect> defects = new ArrayList<>();
      List<String> names = new ArrayList<>();
      int[] variants = new int[DefectKind.values().length];
      int index = 0;
      int validInBatch = 0;
      for (int f = 0; f < files; f++) {
        String file = "data/orders/orders-" + number(firstFile + f) + ".csv";
        String[] previousValid = null;
        names.add(file);
        int rows = share(count, files, f);
        long from = start + f * window;
        long[] seconds = new long[rows];
        for (int r = 0; r < rows; r++) {
          seconds[r] = Math.floorDiv(from + random.nextLong(window), 1000L);
        }
        Arrays.sort(seconds);
        try (Writer out = open.apply(file)) {
          out.write(HEADER);
          for (int r = 0; r < rows; r++, index++) {
            DefectKind kind = plan.kindOf(index, validOrders.size() > 0);
            if (validCustomers.size() == 0) {
              // No customer has landed (every one defective): an order can only be one whose
              // customer is unknown, so that it fails exactly one rule.
              kind = DefectKind.ORDER_UNKNOWN_CUSTOMER;
            }
            Instant orderedAt = Instant.ofEpochSecond(seconds[r]);
            long id =
                kind == DefectKind.ORDER_DUPLICATE_ID
                    ? validOrders.get(random.nextInt(validOrders.size()))
                    : nextOrderId++;
            String[] fields = {
              Long.toString(id),
              // Orders are placed by customers who landed (relationships(customer_id)).
              validCustomers.size() == 0
                  ? ""
                  : customerId(validCustomers.get(random.nextInt(validCustomers.size()))),
              orderedAt.toString(),
              STATUSES[weighted(random, STATUS_WEIGHTS)],
              amount(random).toPlainString(),
              CURRENCIES[weighted(random, CURRENCY_WEIGHTS)],
              COUNTRIES[weighted(random, COUNTRY_WEIGHTS)]
            };
            if (regional) {
              fields[6] = COUNTRIES[0];
            }
            if (doubleSubmits
                && kind == null
                && previousValid != null
                && ++validInBatch % 50 == 0) {
              // The checkout retried the previous order: same customer, time, amount and all,
              // under a new id. A valid row, only the batch as a whole shows it.
              String[] copy = previousValid.clone();
              copy[0] = fields[0];
              fields = copy;
              orderedAt = Instant.parse(fields[2]);
            }
            if (kind != null) {
              int variant = variants[kind.ordinal()]++;
              switch (kind) {
                case ORDER_MISSING_CUSTOMER -> fields[1] = "";
                case ORDER_NEGATIVE_AMOUNT -> fields[4] = "-" + fields[4];
                case ORDER_UNKNOWN_STATUS -> fields[3] = variant % 2 == 0 ? "refunded" : "on_hold";
                case ORDER_UNPARSEABLE_AMOUNT ->
                    fields[4] =
                        switch (variant % 3) {
                          // A decimal comma and a typo: "12,5x" (quoted in the file).
                          case 0 ->
                              fields[4].substring(0, fields[4].length() - 1).replace('.', ',')
                                  + "x";
                          case 1 -> "n/a";
                          default -> fields[4] + " EUR";
                        };
                case ORDER_UNPARSEABLE_ORDERED_AT ->
                    fields[2] =
                        variant % 2 == 0
                            ? DAY_FIRST.format(orderedAt)
                            : Long.toString(orderedAt.getEpochSecond());
                case ORDER_BAD_CURRENCY -> fields[5] = variant % 2 == 0 ? "eu" : "usd";
                case ORDER_MALFORMED_LINE -> fields = dropField(fields, 5);
                case ORDER_UNKNOWN_CUSTOMER -> fields[1] = customerId(UNKNOWN_CUSTOMER + variant);
                case ORDER_BAD_COUNTRY_CODE -> fields[6] = variant % 2 == 0 ? "FRA" : "D";
                case ORDER_UNAPPROVED_AMOUNT -> {
                  // Over the approval limit of 5,000 (but within range) and not cancelled.
                  fields[4] =
                      BigDecimal.valueOf(500_001 + random.nextLong(4_000_000), 2).toPlainString();
                  if (fields[3].equals("cancelled")) {
                    fields[3] = "paid";
                  }
                }
                default -> {
                  // ORDER_DUPLICATE_ID: an otherwise valid order reusing a valid order's id.
                }
              }
              defects.add(new Defect(file, r + 2L, kind.rule()));
            } else {
              validOrders.add(id);
              previousValid = fields;
              if (fields[3].equals("paid") || fields[3].equals("shipped")) {
                revenue.merge(
                    orderedAt.atZone(ZoneOffset.UTC).toLocalDate(),
                    new BigDecimal(fields[4]),
                    BigDecimal::add);
              }
            }
            out.write(Text.csvLine(fields));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new Truth.Source(ShopGenerator.ORDERS, names, count, defects);
    }

    private static String[] dropField(String[] fields, int drop) {
      String[] fewer = new String[fields.length - 1];
      for (int i = 0, j = 0; i < fields.length; i++) {
        if (i != drop) {
          fewer[j++] = fields[i];
        }
      }
      return fewer;
    }

    /** 1.00 to 5,000.00, most orders small. */
    private static BigDecimal amount(SplittableRandom random) {
      long cents = 100 + (long) (StrictMath.exp(random.nextDouble() * StrictMath.log(2000)) * 250);
      return BigDecimal.valueOf(Math.min(cents, 500_000), 2);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Clicks

  /** One click event before it is written. */
  private record Click(
      long millis,
      String type,
      String session,
      String customer,
      String url,
      String device,
      String country) {}

  private final class ClickWriter {
    private final SplittableRandom random;
    private final int count;
    private final boolean withGeo;

    ClickWriter(SplittableRandom random, int count, Set<DatasetIncident> incidents) {
      this.random = random;
      this.count = count;
      this.withGeo = !incidents.contains(DatasetIncident.GEO_OUTAGE);
    }

    Truth.Source write(
        Function<String, Writer> open, int firstFile, int files, long start, long window) {
      DefectPlan plan = new DefectPlan(random, count, options.defectRate(), ShopGenerator.CLICKS);
      List<Defect> defects = new ArrayList<>();
      List<Defect> warnings = new ArrayList<>();
      List<String> names = new ArrayList<>();
      int[] variants = new int[DefectKind.values().length];
      int index = 0;
      for (int f = 0; f < files; f++) {
        String file = "data/clicks/clicks-" + number(firstFile + f) + ".ndjson";
        names.add(file);
        long from = start + f * window;
        List<Click> clicks = sessions(share(count, files, f), from, window);
        try (Writer out = open.apply(file)) {
          for (int r = 0; r < clicks.size(); r++, index++) {
            Click click = clicks.get(r);
            DefectKind kind = plan.kindOf(index, !validClickSample.isEmpty());
            String id = "evt_" + hex(mix64(++eventCounter + salt));
            String line;
            if (kind == null) {
              line = json(id, click, CLICK_TIME.format(Instant.ofEpochMilli(click.millis())));
              sample(line);
            } else {
              int variant = variants[kind.ordinal()]++;
              String time = CLICK_TIME.format(Instant.ofEpochMilli(click.millis()));
              line =
                  switch (kind) {
                    case CLICK_NOT_JSON -> {
                      // The tracker died mid-write: a truncated object.
                      String whole = json(id, click, time);
                      yield whole.substring(
                          0, whole.length() / 3 + random.nextInt(whole.length() / 3));
                    }
                    case CLICK_UNKNOWN_TYPE ->
                        json(id, withType(click, variant % 2 == 0 ? "purchase" : "scroll"), time);
                    case CLICK_MISSING_SESSION -> json(id, withSession(click, null), time);
                    case CLICK_UNPARSEABLE_TS ->
                        json(
                            id,
                            click,
                            variant % 2 == 0
                                ? time.substring(0, 11) + "25" + time.substring(13)
                                : Long.toString(Math.floorDiv(click.millis(), 1000L)));
                    case CLICK_DUPLICATE_ID ->
                        // Re-sent: an exact copy of an earlier valid event.
                        validClickSample.get(random.nextInt(validClickSample.size()));
                    case CLICK_UNENCODED_URL ->
                        // A search typed with a space the tracker did not encode. Not sampled for
                        // duplicates: a copy would fail two rules.
                        json(
                            id,
                            withUrl(
                                click,
                                "/search?q=" + (variant % 2 == 0 ? "red shoes" : "gift card")),
                            time);
                    default -> throw new IllegalStateException("not a click defect: " + kind);
                  };
              (kind.warn() ? warnings : defects).add(new Defect(file, r + 1L, kind.rule()));
            }
            out.write(line);
            out.write('\n');
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new Truth.Source(ShopGenerator.CLICKS, names, count, defects, warnings);
    }

    /** {@code count} events of browsing sessions in the window, in arrival order. */
    private List<Click> sessions(int count, long from, long window) {
      List<Click> clicks = new ArrayList<>(count + 16);
      while (clicks.size() < count) {
        String session = "ses_" + hex(mix64(++sessionCounter + ~salt));
        String customer =
            random.nextInt(100) < 65 ? customerId(random.nextInt(1, nextCustomer)) : null;
        String device = DEVICES[weighted(random, DEVICE_WEIGHTS)];
        String country = COUNTRIES[weighted(random, COUNTRY_WEIGHTS)];
        // Sessions (at most 7 events, 2 minutes apart) start early enough to end in the window.
        long t = from + random.nextLong(window - Math.min(window / 2, SESSION_MARGIN_MILLIS));
        String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"page_view", "/"});
        for (int i = random.nextInt(2); i > 0; i--) {
          steps.add(new String[] {"page_view", "/c/" + category});
        }
        int products = random.nextInt(4);
        int product = 0;
        for (int i = 0; i < products; i++) {
          product = 1000 + random.nextInt(9000);
          steps.add(new String[] {"product_view", "/p/" + product});
        }
        if (products > 0 && random.nextInt(100) < 35) {
          steps.add(new String[] {"add_to_cart", "/p/" + product});
          if (random.nextInt(100) < 45) {
            steps.add(new String[] {"checkout", "/checkout"});
          }
        }
        for (String[] step : steps) {
          if (clicks.size() == count) {
            break;
          }
          clicks.add(new Click(t, step[0], session, customer, step[1], device, country));
          t += 2_000 + random.nextLong(120_000);
        }
      }
      // Arrival order is time order, except that some events arrive 1 to 3 days late: their time
      // is that much before the earliest on-time event of the file.
      clicks.sort(Comparator.comparingLong(Click::millis));
      for (int i = 0; i < clicks.size(); i++) {
        if (random.nextInt(100) < LATE_PERCENT) {
          Click c = clicks.get(i);
          long late = from - DAY_MILLIS - random.nextLong(2 * DAY_MILLIS);
          clicks.set(
              i,
              new Click(
                  late, c.type(), c.session(), c.customer(), c.url(), c.device(), c.country()));
        }
      }
      return clicks;
    }

    private void sample(String line) {
      // Reservoir sampling: every valid event so far is equally likely to be in the sample.
      validClicks++;
      if (validClickSample.size() < CLICK_SAMPLE_SIZE) {
        validClickSample.add(line);
      } else {
        long slot = random.nextLong(validClicks);
        if (slot < CLICK_SAMPLE_SIZE) {
          validClickSample.set((int) slot, line);
        }
      }
    }

    private static Click withType(Click c, String type) {
      return new Click(
          c.millis(), type, c.session(), c.customer(), c.url(), c.device(), c.country());
    }

    private static Click withUrl(Click c, String url) {
      return new Click(
          c.millis(), c.type(), c.session(), c.customer(), url, c.device(), c.country());
    }

    private static Click withSession(Click c, String session) {
      return new Click(
          c.millis(), c.type(), session, c.customer(), c.url(), c.device(), c.country());
    }

    private String json(String id, Click click, String time) {
      StringBuilder line = new StringBuilder("{\"id\":").append(Text.json(id));
      line.append(",\"ts\":").append(Text.json(time));
      line.append(",\"type\":").append(Text.json(click.type()));
      if (click.session() != null) {
        line.append(",\"session\":").append(Text.json(click.session()));
      }
      if (click.customer() != null) {
        line.append(",\"user\":{\"id\":").append(Text.json(click.customer())).append('}');
      }
      line.append(",\"context\":{\"page\":{\"url\":")
          .append(Text.json("https://shop.example.com" + click.url()))
          .append("},\"device\":{");
      if (click.device() != null) {
        line.append("\"type\":").append(Text.json(click.device()));
      }
      line.append('}');
      if (withGeo) {
        line.append(",\"geo\":{\"country\":").append(Text.json(click.country())).append('}');
      }
      line.append("}}");
      return line.toString();
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Customer numbers from here on are never generated: orders for them have no customer. */
  private static final long UNKNOWN_CUSTOMER = 900_000;

  private static String customerId(long number) {
    return "C" + zeroPadded(number, 6);
  }

  private static String number(int fileNumber) {
    return zeroPadded(fileNumber, 4);
  }

  private static String zeroPadded(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Record count of file {@code f} of {@code files} when {@code total} are spread evenly. */
  private static int share(int total, int files, int f) {
    return total / files + (f < total % files ? 1 : 0);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static int weighted(SplittableRandom random, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int r = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(16 - digits.length()) + digits;
  }

  /**
   * A bijection on longs (Stafford's mix13): distinct counters give distinct, random-looking ids.
   */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A growable list of longs. */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long get(int index) {
      return values[index];
    }

    int size() {
      return size;
    }
  }
}
