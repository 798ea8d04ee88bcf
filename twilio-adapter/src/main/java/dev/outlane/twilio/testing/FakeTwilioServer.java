package dev.outlane.twilio.testing;

import dev.outlane.http.testing.FaultInjectingServer;
import dev.outlane.testing.Fault;
import com.squareup.moshi.JsonWriter;
import dev.outlane.destination.Settings;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * An in-process Twilio Messaging API ({@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json})
 * on {@code mockwebserver3.MockWebServer}, validating like the real one, for tests of code that sends
 * SMS.
 *
 * <pre>{@code
 * try (FakeTwilioServer twilio = FakeTwilioServer.start()) {
 *   twilio.optOut("+14155550100");                       // this number replied STOP: 21610
 *   TwilioSmsDestination sms = TwilioSmsDestination.builder()
 *       .accountSid(FakeTwilioServer.ACCOUNT_SID).authToken(FakeTwilioServer.AUTH_TOKEN)
 *       .from("+14155550000").defaultTemplate("Hi {{properties.first_name}}")
 *       .baseUrl(twilio.url())
 *       .build();
 *   // … deliver …
 *   assertThat(twilio.messages()).extracting(FakeTwilioServer.SentMessage::body).containsExactly("Hi Ada");
 * }
 * }</pre>
 *
 * <p><b>What it checks</b>, answering with Twilio's error JSON ({@code {"code":…,"message":…,
 * "more_info":"https://www.twilio.com/docs/errors/…","status":…}}) when a check fails:
 *
 * <ul>
 *   <li>the path names an account, and {@code POST} is used (404 / 405 otherwise);
 *   <li>Basic auth is the account SID and auth token, or an API key SID and secret for that account
 *       (401, code 20003);
 *   <li>the body is form-encoded (400, code 20001 otherwise);
 *   <li>{@code To} is present (21604) and E.164 (21211); {@code From} or {@code
 *       MessagingServiceSid} is present (21603); {@code Body}, {@code MediaUrl} or {@code ContentSid}
 *       is present (21602);
 *   <li>numbers you list: {@link #optOut} → 21610, {@link #notMobile} → 21614, {@link #unverified} →
 *       21608, {@link #invalid} → 21211.
 * </ul>
 *
 * <p>A valid request answers 201 with a message resource whose SID is {@code SM} and 32 hex digits,
 * status {@code queued} ({@code accepted} with a Messaging Service), as Twilio does.
 *
 * <p><b>Failures</b>: {@link #enqueueFault} scripts the next requests' answers (5xx, 429 + {@code
 * Retry-After}, a dropped connection or a stall after the request was read and processed, a slow
 * answer). {@link #requestCount()} counts every request that reached the fake, faulted or not.
 *
 * <p>Thread-safe. Needs {@code com.squareup.okhttp3:mockwebserver3} on the classpath.
 */
public final class FakeTwilioServer implements AutoCloseable {
  /** The account the fake accepts unless the builder says otherwise. */
  public static final String ACCOUNT_SID = "AC00000000000000000000000000000001";
  /** The auth token the fake accepts unless the builder says otherwise. */
  public static final String AUTH_TOKEN = "fake-auth-token-0000000000000001";

  private static final Pattern PATH =
      Pattern.compile("/2010-04-01/Accounts/([^/]+)/Messages\\.json");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  private final FaultInjectingServer server;
  private final String accountSid;
  private final String authToken;
  private final Map<String, String> apiKeys;
  private final Clock clock;
  private final Map<String, Integer> numberErrors = new ConcurrentHashMap<>();
  private final List<SentMessage> messages = new CopyOnWriteArrayList<>();

  private FakeTwilioServer(Builder b) {
    this.accountSid = b.accountSid;
    this.authToken = b.authToken;
    this.apiKeys = Map.copyOf(b.apiKeys);
    this.clock = b.clock;
    this.server = FaultInjectingServer.start("Twilio", new TwilioAnswers());
  }

  /** Starts a fake on a free loopback port that accepts {@link #ACCOUNT_SID} / {@link #AUTH_TOKEN}. */
  public static FakeTwilioServer start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The root URL ({@code http://127.0.0.1:PORT/}); pass it to {@code TwilioSmsDestination.Builder.baseUrl}. */
  public HttpUrl url() {
    return server.url();
  }

  /** The underlying server, for anything this class does not cover. */
  public MockWebServer mockWebServer() {
    return server.mockWebServer();
  }

  /** {@code e164} replied STOP: sending to it answers 400 with code 21610 until {@link #optIn}. */
  public FakeTwilioServer optOut(String e164) {
    return answerSendsTo(e164, 21610);
  }

  /** {@code e164} replied START: sending to it works again. */
  public FakeTwilioServer optIn(String e164) {
    numberErrors.remove(e164, 21610);
    return this;
  }

  /** Sending to {@code e164} answers 21614, not a mobile number. */
  public FakeTwilioServer notMobile(String e164) {
    return answerSendsTo(e164, 21614);
  }

  /** Sending to {@code e164} answers 21608, unverified number on a trial account. */
  public FakeTwilioServer unverified(String e164) {
    return answerSendsTo(e164, 21608);
  }

  /** Sending to {@code e164} answers 21211, invalid To, though it is well-formed. */
  public FakeTwilioServer invalid(String e164) {
    return answerSendsTo(e164, 21211);
  }

  /** From now on, sending to {@code e164} answers 400 with Twilio error {@code code}. */
  private FakeTwilioServer answerSendsTo(String e164, int code) {
    numberErrors.put(e164, code);
    return this;
  }

  /** Answers the next request that reaches the fake with {@code fault}; faults are used in order. */
  public FakeTwilioServer enqueueFault(Fault fault) {
    server.enqueueFault(fault);
    return this;
  }

  /** Every message the fake created (answered 201, or processed before a drop/stall), in order. */
  public List<SentMessage> messages() {
    return List.copyOf(messages);
  }

  /** How many requests reached the fake, including faulted and refused ones. */
  public int requestCount() {
    return server.requestCount();
  }

  /**
   * The next request the fake received, in arrival order, waiting up to 5 seconds.
   *
   * @throws IllegalStateException if none arrives in time
   */
  public RecordedRequest takeRequest() {
    return server.takeRequest();
  }

  /** Stops the server; stalled responses are cut off. */
  @Override
  public void close() {
    server.close();
  }

  /**
   * A message the fake created. {@link #toString()} leaves out {@code to} and {@code body}.
   *
   * @param sid {@code SM} and 32 hex digits
   * @param params every form parameter, first value of each
   */
  public record SentMessage(
      String sid,
      String accountSid,
      String to,
      @Nullable String from,
      @Nullable String messagingServiceSid,
      @Nullable String body,
      @Nullable String statusCallback,
      Map<String, String> params) {
    public SentMessage {
      params = Map.copyOf(params);
    }

    @Override
    public String toString() {
      return "SentMessage{sid=" + sid + ", from=" + from + ", messagingServiceSid=" + messagingServiceSid + "}";
    }
  }

  /** Configures a {@link FakeTwilioServer}. Not thread-safe. */
  public static final class Builder {
    private String accountSid = ACCOUNT_SID;
    private String authToken = AUTH_TOKEN;
    private final Map<String, String> apiKeys = new java.util.HashMap<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The account the fake accepts (default {@link #ACCOUNT_SID}).
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder accountSid(@Nullable String accountSid) {
      this.accountSid = Settings.requireText("accountSid", accountSid);
      return this;
    }

    /**
     * The auth token the fake accepts (default {@link #AUTH_TOKEN}).
     *
     * @throws IllegalArgumentException if null or blank
     */
    public Builder authToken(@Nullable String authToken) {
      this.authToken = Settings.requireText("authToken", authToken);
      return this;
    }

    /**
     * Also accept this API key for the account.
     *
     * @throws IllegalArgumentException naming {@code apiKeySid} or {@code apiKeySecret} if null or blank
     */
    public Builder apiKey(@Nullable String keySid, @Nullable String secret) {
      apiKeys.put(Settings.requireText("apiKeySid", keySid), Settings.requireText("apiKeySecret", secret));
      return this;
    }

    /**
     * The clock for {@code date_created}.
     *
     * @throws IllegalArgumentException if null
     */
    public Builder clock(@Nullable Clock clock) {
      this.clock = Settings.require("clock", clock);
      return this;
    }

    /**
     * Starts the fake on a free loopback port.
     *
     * @throws IllegalStateException if the server cannot bind
     */
    public FakeTwilioServer start() {
      FakeTwilioServer fake = new FakeTwilioServer(this);
      return fake;
    }
  }

  private final class TwilioAnswers implements FaultInjectingServer.Answers {
    @Override
    public MockResponse status(int status) {
      return error(status, status >= 500 ? 20500 : 20001, "Internal Server Error", null);
    }

    @Override
    public MockResponse tooManyRequests() {
      return error(429, 20429, "Too Many Requests", null);
    }

    @Override
    public MockResponse handle(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      Matcher m = PATH.matcher(path);
      if (!m.matches()) {
        return error(404, 20404, "The requested resource " + path + " was not found", null);
      }
      if (!"POST".equals(request.getMethod())) {
        return error(405, 20004, "Method not allowed", null);
      }
      String pathSid = m.group(1);
      String[] auth = Forms.basic(request.getHeaders().get("Authorization"));
      boolean authorized =
          auth != null
              && pathSid.equals(accountSid)
              && ((auth[0].equals(accountSid) && auth[1].equals(authToken))
                  || (apiKeys.containsKey(auth[0]) && apiKeys.get(auth[0]).equals(auth[1])));
      if (!authorized) {
        return error(401, 20003, "Authenticate", null);
      }
      String contentType = request.getHeaders().get("Content-Type");
      if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
        return error(400, 20001, "Content-Type must be application/x-www-form-urlencoded", null);
      }
      Map<String, List<String>> form = Forms.parse(request.getBody() == null ? "" : request.getBody().utf8());
      String to = first(form, "To");
      String from = first(form, "From");
      String service = first(form, "MessagingServiceSid");
      String body = first(form, "Body");
      if (to == null) {
        return error(400, 21604, "A 'To' phone number is required.", null);
      }
      if (!E164.matcher(to).matches()) {
        return error(400, 21211, "The 'To' number " + to + " is not a valid phone number.", null);
      }
      if (from == null && service == null) {
        return error(400, 21603, "A 'From' phone number is required.", null);
      }
      if (body == null && first(form, "MediaUrl") == null && first(form, "ContentSid") == null) {
        return error(400, 21602, "Message body is required.", null);
      }
      Integer numberError = numberErrors.get(to);
      if (numberError != null) {
        String message =
            switch (numberError) {
              case 21610 -> "Attempt to send to unsubscribed recipient";
              case 21614 -> "'To' number is not a valid mobile number";
              case 21608 -> "The number " + to + " is unverified. Trial accounts cannot send messages to unverified numbers.";
              default -> "The 'To' number " + to + " is not a valid phone number.";
            };
        return error(400, numberError, message, null);
      }
      String sid = newSid();
      Map<String, String> params = new java.util.LinkedHashMap<>();
      form.forEach((k, v) -> params.put(k, v.get(0)));
      messages.add(new SentMessage(sid, accountSid, to, from, service, body, first(form, "StatusCallback"), params));
      return new MockResponse.Builder()
          .code(201)
          .setHeader("Content-Type", "application/json; charset=utf-8")
          .setHeader("Twilio-Request-Id", "RQ" + hex32())
          .body(messageJson(sid, to, from, service, body))
          .build();
    }

    private String messageJson(String sid, String to, @Nullable String from, @Nullable String service, @Nullable String body) {
      String now = RFC_2822.format(clock.instant());
      Buffer out = new Buffer();
      try (JsonWriter w = JsonWriter.of(out)) {
        w.setSerializeNulls(true);
        w.beginObject();
        w.name("account_sid").value(accountSid);
        w.name("api_version").value("2010-04-01");
        w.name("body").value(body);
        w.name("date_created").value(now);
        w.name("date_sent").nullValue();
        w.name("date_updated").value(now);
        w.name("direction").value("outbound-api");
        w.name("error_code").nullValue();
        w.name("error_message").nullValue();
        w.name("from").value(from);
        w.name("messaging_service_sid").value(service);
        w.name("num_media").value("0");
        w.name("num_segments").value("1");
        w.name("price").nullValue();
        w.name("price_unit").value("USD");
        w.name("sid").value(sid);
        w.name("status").value(service != null ? "accepted" : "queued");
        w.name("subresource_uris").beginObject()
            .name("media").value("/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + "/Media.json")
            .endObject();
        w.name("to").value(to);
        w.name("uri").value("/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json");
        w.endObject();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.readUtf8();
    }
  }

  private static @Nullable String first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  /**
   * Twilio's error JSON, e.g. {@code {"code":21211,"message":"…","more_info":
   * "https://www.twilio.com/docs/errors/21211","status":400}}.
   */
  static MockResponse error(int status, int code, String message, @Nullable String retryAfter) {
    Buffer out = new Buffer();
    try (JsonWriter w = JsonWriter.of(out)) {
      w.beginObject();
      w.name("code").value(code);
      w.name("message").value(message);
      w.name("more_info").value("https://www.twilio.com/docs/errors/" + code);
      w.name("status").value(status);
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    MockResponse.Builder b =
        new MockResponse.Builder()
            .code(status)
            .setHeader("Content-Type", "application/json; charset=utf-8")
            .setHeader("Twilio-Request-Id", "RQ" + hex32())
            .body(out.readUtf8());
    if (retryAfter != null) {
      b.setHeader("Retry-After", retryAfter);
    }
    return b.build();
  }

  private static String newSid() {
    return "SM" + hex32();
  }

  private static String hex32() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("%016x%016x", r.nextLong(), r.nextLong());
  }
}
