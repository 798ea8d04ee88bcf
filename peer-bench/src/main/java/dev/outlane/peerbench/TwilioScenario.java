package dev.outlane.peerbench;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import dev.outlane.Outlane;
import dev.outlane.QueueFullException;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.routing.Route;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import okhttp3.HttpUrl;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.HttpHost;

/**
 * One SMS per person to the same {@link FakeTwilioServer}, sequentially from one thread:
 *
 * <ul>
 *   <li><b>twilio-java direct</b>: {@code Message.creator(to, from, body).create(client)} with
 *       twilio-java's own {@link NetworkHttpClient} (Apache HttpClient 5, built as its default
 *       constructor builds it: pool of 20 per route, 100 total). Its URLs always name {@code
 *       api.twilio.com}; a route planner sends every connection to the fake over plain HTTP instead,
 *       which is the only change.
 *   <li><b>Outlane</b>: {@code TwilioSmsDestination} through the public client with defaults, one
 *       {@code submit} per event (phone, consent granted, a first name for the template), then
 *       {@code flush}.
 * </ul>
 *
 * The two alternate run by run; each reports messages per second and the whole JVM's CPU per
 * message (the fake's own cost, the same for both, included).
 */
final class TwilioScenario {
  private static final String FROM = "+14155550100";
  private static final String TEMPLATE =
      "Hi {{first_name}}, your {{commerce.cart_value}} {{commerce.currency}} cart is waiting";
  private static final Consent SMS_GRANTED =
      new Consent(ConsentStatus.GRANTED, ConsentStatus.UNKNOWN, ConsentStatus.UNKNOWN);

  /** Medians: messages/s and CPU µs per message, direct then Outlane. */
  record Result(double directPerSecond, double directCpuMicros, double outlanePerSecond, double outlaneCpuMicros) {}

  Result run(int messages, int pairs, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "%n== Twilio SMS: %,d messages per run, one thread, same FakeTwilioServer ==%n", messages);
    out.printf(Locale.ROOT, "%-28s %12s %14s %10s%n", "run", "messages/s", "CPU µs/msg", "created");
    List<double[]> direct = new ArrayList<>();
    List<double[]> outlane = new ArrayList<>();
    try (FakeTwilioServer fake = FakeTwilioServer.start()) {
      TwilioRestClient client = directClient(fake.url());
      // Warm-up, not reported.
      direct(client, fake, Math.max(1, messages / 5), 0);
      viaOutlane(fake, Math.max(1, messages / 5), 0);
      int offset = messages;
      for (int p = 0; p < pairs; p++) {
        for (int k = 0; k < 2; k++) {
          boolean directFirst = p % 2 == 0;
          boolean isDirect = directFirst == (k == 0);
          double[] r = isDirect ? direct(client, fake, messages, offset) : viaOutlane(fake, messages, offset);
          offset += messages;
          (isDirect ? direct : outlane).add(r);
          out.printf(Locale.ROOT, "%-28s %,12.0f %14.1f %,10d%n",
              (isDirect ? "twilio-java 13.0.1 direct" : "Outlane TwilioSmsDestination") + " #" + (p + 1),
              r[0], r[1], (long) r[2]);
        }
      }
    }
    return new Result(median(direct, 0), median(direct, 1), median(outlane, 0), median(outlane, 1));
  }

  /** {messages/s, CPU µs/message, messages the fake created}. */
  private static double[] direct(TwilioRestClient client, FakeTwilioServer fake, int messages, int offset) {
    int before = fake.messages().size();
    long cpu0 = JvmMeter.processCpuNanos();
    long t0 = System.nanoTime();
    for (int i = offset; i < offset + messages; i++) {
      // The body a caller of twilio-java renders by hand; Outlane renders it from the template.
      String body = "Hi Ada, your " + Workload.CART_VALUE.toPlainString() + " " + Workload.CURRENCY
          + " cart is waiting";
      Message m = Message.creator(new PhoneNumber(phone(i)), new PhoneNumber(FROM), body).create(client);
      if (m.getSid() == null) {
        throw new IllegalStateException("twilio-java: no sid");
      }
    }
    return measured(messages, t0, cpu0, fake.messages().size() - before);
  }

  private static double[] viaOutlane(FakeTwilioServer fake, int messages, int offset) {
    TwilioSmsDestination sms = TwilioSmsDestination.builder()
        .name("twilio-sms")
        .accountSid(FakeTwilioServer.ACCOUNT_SID)
        .authToken(FakeTwilioServer.AUTH_TOKEN)
        .from(FROM)
        .defaultTemplate(TEMPLATE)
        .baseUrl(fake.url())
        .build();
    int before = fake.messages().size();
    long cpu0 = JvmMeter.processCpuNanos();
    long t0 = System.nanoTime();
    double[] r;
    try (Outlane outlane = Outlane.builder()
        .identityNormalizer(IdentityNormalizer.builder().defaultRegion("US").build())
        .destination(sms)
        .route(Route.builder().event(Workload.EVENT).to("twilio-sms").build())
        .build()) {
      for (int i = offset; i < offset + messages; i++) {
        RetentionEvent event = Workload.outlaneEvent(i).toBuilder()
            .phone(phone(i))
            .consent(SMS_GRANTED)
            .properties(Map.of("first_name", "Ada"))
            .build();
        while (true) {
          try {
            outlane.submit(event);
            break;
          } catch (QueueFullException full) {
            LockSupport.parkNanos(100_000);
          }
        }
      }
      if (!outlane.flush(Duration.ofMinutes(2))) {
        throw new IllegalStateException("Outlane: SMS not final within 2 minutes");
      }
      r = measured(messages, t0, cpu0, fake.messages().size() - before);
    }
    return r;
  }

  private static double[] measured(int messages, long t0, long cpu0, int created) {
    long wall = System.nanoTime() - t0;
    long cpu = JvmMeter.processCpuNanos() - cpu0;
    return new double[] {messages * 1e9 / wall, cpu / 1e3 / messages, created};
  }

  /** A distinct valid US mobile-capable number per index. */
  private static String phone(int i) {
    return String.format(Locale.ROOT, "+1415%03d%04d", 200 + (i / 10_000) % 800, i % 10_000);
  }

  /**
   * twilio-java's default {@link NetworkHttpClient}, except that every route leads to the fake:
   * twilio-java always builds {@code https://api.twilio.com/…} URLs and has no base-URL setting.
   */
  private static TwilioRestClient directClient(HttpUrl fake) {
    PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
    pool.setDefaultMaxPerRoute(20);
    pool.setMaxTotal(100);
    HttpHost loopback = new HttpHost("http", fake.host(), fake.port());
    HttpClientBuilder apache = HttpClientBuilder.create()
        .useSystemProperties()
        .setConnectionManager(pool)
        .setRoutePlanner((target, context) -> new HttpRoute(loopback));
    return new TwilioRestClient.Builder(FakeTwilioServer.ACCOUNT_SID, FakeTwilioServer.AUTH_TOKEN)
        .httpClient(new NetworkHttpClient(apache))
        .build();
  }

  private static double median(List<double[]> runs, int field) {
    double[] v = runs.stream().mapToDouble(r -> r[field]).toArray();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
