package dev.outlane.twilio.bench;

import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import dev.outlane.identity.Identity;
import dev.outlane.twilio.sms.TwilioSmsDestination;
import dev.outlane.twilio.testing.FakeTwilioServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;

/**
 * Harness (not a unit test): time per SMS through {@link TwilioSmsDestination#deliver} versus calling
 * twilio-java directly ({@code Message.creator(to, from, body).create(client)}) against the same
 * {@link FakeTwilioServer}, sequentially, on one shared OkHttp client.
 *
 * <p>twilio-java's own {@code NetworkHttpClient} cannot be pointed at a loopback server (its URLs are
 * always {@code https://api.twilio.com}), so "direct" uses the smallest {@link HttpClient} that can:
 * an OkHttp POST with the URL's host rewritten, no write probe, no classification. The ratio is
 * therefore the adapter's own overhead: template rendering, the per-call event listener, error
 * classification.
 *
 * <p>Run like {@link SegmentThroughputHarness} with main class {@code
 * dev.outlane.twilio.bench.TwilioOverheadHarness [--messages 2000] [--rounds 5]}.
 */
public final class TwilioOverheadHarness {
  private static final String FROM = "+14155550000";

  public static void main(String[] args) throws Exception {
    int messages = intArg(args, "--messages", 2_000);
    int rounds = intArg(args, "--rounds", 5);
    try (FakeTwilioServer twilio = FakeTwilioServer.start()) {
      OkHttpClient http = new OkHttpClient();
      TwilioSmsDestination adapter =
          TwilioSmsDestination.builder()
              .accountSid(FakeTwilioServer.ACCOUNT_SID)
              .authToken(FakeTwilioServer.AUTH_TOKEN)
              .from(FROM)
              .defaultTemplate("Hi {{properties.first_name}}, your {{commerce.cart_value}} {{commerce.currency}} cart is waiting")
              .baseUrl(twilio.url())
              .okHttpClient(http)
              .build();
      TwilioRestClient direct =
          new TwilioRestClient.Builder(FakeTwilioServer.ACCOUNT_SID, FakeTwilioServer.AUTH_TOKEN)
              .httpClient(new BareOkHttpClient(http.newBuilder().retryOnConnectionFailure(false).build(), twilio.url()))
              .build();
      List<DeliveryItem> items = new ArrayList<>(messages);
      System.out.printf("java %s, %d cpus%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
      for (int i = 0; i < messages; i++) {
        items.add(item(i));
      }

      // Warm up both paths.
      for (int w = 0; w < 2; w++) {
        interleaved(adapter, direct, items);
      }
      double[] ratios = new double[rounds];
      double[] cpuRatios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long[] t = interleaved(adapter, direct, items);
        ratios[r] = (double) t[0] / t[1];
        cpuRatios[r] = (double) t[2] / t[3];
        System.out.printf(
            "round %d: wall adapter %.1f µs/msg, direct %.1f µs/msg (ratio %.3f); client-thread CPU adapter %.1f µs/msg,"
                + " direct %.1f µs/msg (ratio %.3f)%n",
            r + 1, t[0] / 1e3 / messages, t[1] / 1e3 / messages, ratios[r],
            t[2] / 1e3 / messages, t[3] / 1e3 / messages, cpuRatios[r]);
      }
      Arrays.sort(ratios);
      Arrays.sort(cpuRatios);
      System.out.printf("median of %d rounds × %d messages (each message alternately through both paths): "
              + "wall overhead %.3f×, client-thread CPU overhead %.3f×%n",
          rounds, messages, ratios[rounds / 2], cpuRatios[rounds / 2]);
      System.out.printf("fake created %d messages, saw %d requests%n", twilio.messages().size(), twilio.requestCount());
    }
  }

  /**
   * Sends every item through both paths, alternating message by message so that load from other
   * processes hits both equally. Returns {adapter wall ns, direct wall ns, adapter CPU ns, direct CPU ns}.
   */
  private static long[] interleaved(TwilioSmsDestination adapter, TwilioRestClient direct, List<DeliveryItem> items) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] t = new long[4];
    for (int i = 0; i < items.size(); i++) {
      DeliveryItem item = items.get(i);
      boolean adapterFirst = i % 2 == 0;
      for (int k = 0; k < 2; k++) {
        boolean useAdapter = adapterFirst == (k == 0);
        long c0 = threads.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        if (useAdapter) {
          sendAdapter(adapter, item);
        } else {
          sendDirect(direct, item);
        }
        long w = System.nanoTime() - w0;
        long c = threads.getCurrentThreadCpuTime() - c0;
        t[useAdapter ? 0 : 1] += w;
        t[useAdapter ? 2 : 3] += c;
      }
    }
    return t;
  }

  private static void sendAdapter(TwilioSmsDestination adapter, DeliveryItem item) {
    Outcome o = adapter.deliver(List.of(item)).get(0);
    if (!(o instanceof Outcome.Delivered)) {
      throw new IllegalStateException("adapter: " + o);
    }
  }

  private static void sendDirect(TwilioRestClient client, DeliveryItem item) {
    {
      RetentionEvent e = item.event();
      // The same body, built by hand, as a caller of twilio-java would.
      String body = "Hi " + e.properties().get("first_name") + ", your "
          + e.commerce().cartValue().toPlainString() + " " + e.commerce().currency() + " cart is waiting";
      Message m = Message.creator(new PhoneNumber(item.identity().phoneE164()), new PhoneNumber(FROM), body).create(client);
      if (m.getSid() == null) {
        throw new IllegalStateException("direct: no sid");
      }
    }
  }

  private static DeliveryItem item(int i) {
    RetentionEvent event =
        RetentionEvent.builder()
            .eventId("evt-" + i)
            .eventName("cart_abandoned")
            .source("customerio")
            .customerId("cust-" + i)
            .eventTime(Instant.parse("2026-11-29T17:45:30Z"))
            .commerce(new Commerce(new BigDecimal("129.90"), "EUR", List.of(), null))
            .properties(Map.of("first_name", "Ada"))
            .build();
    String phone = String.format("+1415%07d", i);
    return new DeliveryItem("k-" + i, event, new Identity("cust-" + i, null, phone), null, null,
        AudienceAction.Action.ADD, Map.of(), 1);
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  /** The least a caller needs to aim twilio-java at a loopback server: no probe, no classification. */
  private static final class BareOkHttpClient extends HttpClient {
    private final OkHttpClient http;
    private final HttpUrl base;

    BareOkHttpClient(OkHttpClient http, HttpUrl base) {
      this.http = http;
      this.base = base;
    }

    @Override
    public Response makeRequest(Request request) {
      HttpUrl url = HttpUrl.get(request.constructURL().toString()).newBuilder()
          .scheme(base.scheme()).host(base.host()).port(base.port()).build();
      okhttp3.Request r = new okhttp3.Request.Builder()
          .url(url)
          .header("Authorization", request.getAuthString())
          .post(RequestBody.create(request.encodeFormBody(), MediaType.get("application/x-www-form-urlencoded")))
          .build();
      try (okhttp3.Response response = http.newCall(r).execute()) {
        return new Response(response.body().string(), response.code());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
