package dev.outlane.twilio.inbound;

import dev.outlane.OptOut;
import dev.outlane.Outlane;
import dev.outlane.OutlaneException;
import dev.outlane.QueueFullException;
import dev.outlane.ValidationException;
import dev.outlane.destination.Channel;
import dev.outlane.guardrail.SuppressionSource;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundRequest;
import dev.outlane.inbound.InboundResponse;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.storage.StorageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's inbound webhooks as {@link InboundHandler}s: {@link #messages()} for the incoming-message
 * webhook (STOP and START become opt-outs and their lifting) and {@link #statusCallbacks()} for
 * message status callbacks. Mount each on the path Twilio calls, in any HTTP server:
 *
 * <pre>{@code
 * TwilioInbound twilio = TwilioInbound.builder()
 *     .outlane(outlane)
 *     .authToken(System.getenv("TWILIO_AUTH_TOKEN"))
 *     .publicBaseUrl(URI.create("https://hooks.example.com"))
 *     .build();
 * InboundHandler messages = twilio.messages();      // e.g. POST /twilio/messages
 * InboundHandler statuses = twilio.statusCallbacks(); // e.g. POST /twilio/status
 * }</pre>
 *
 * <p><b>Every request</b> is checked in this order: body over the limit → 413; {@code
 * X-Twilio-Signature} not valid for the public URL and the body ({@link TwilioSignature}; two
 * tokens during rotation) → 401 with no detail; an {@code I-Twilio-Idempotency-Token} already acted
 * on → 200 with no second action; then the handler's work. The client closing or its queue full →
 * 503 with {@code Retry-After}. A body that cannot be parsed, or a phone that does not normalize,
 * → 400 with a fixed message naming the field. No response or log line carries a phone, a message
 * body or a stack trace. Each answer is counted with {@link MetricsSink#inbound} under the endpoint
 * ({@value #MESSAGES_ENDPOINT} or {@value #STATUS_ENDPOINT}) and the outcome.
 *
 * <p><b>Incoming messages.</b> With Advanced Opt-Out on, Twilio sends {@code OptOutType} ({@code
 * STOP}, {@code START}, {@code HELP}) and that decides; otherwise the whole body, trimmed and
 * case-insensitive, is compared with Twilio's default keywords: STOP, STOPALL, UNSUBSCRIBE, CANCEL,
 * END, QUIT → STOP; START, YES, UNSTOP → START. STOP → {@link Outlane#optOut} on SMS with source
 * {@link SuppressionSource#TWILIO_STOP}, the {@code From} phone and {@code MessageSid} as dedupe id
 * (audience removes per the client's {@link dev.outlane.OptOutPolicy}). START → {@link
 * Outlane#lift} of {@link SuppressionSource#TWILIO_STOP} on SMS only. It does <em>not</em> lift a
 * {@link SuppressionSource#DESTINATION_OPT_OUT} (Twilio error 21610 on a send): that one was recorded
 * under the person's customer id and email too, which a START by phone cannot reach, and it may have
 * come from another sender number; an operator lifts it. HELP and anything else → no action. The
 * answer is always empty TwiML ({@code <Response/>}, {@code text/xml}), so Twilio sends nothing
 * beyond its own keyword replies.
 *
 * <p><b>Status callbacks.</b> {@code MessageStatus} and {@code ErrorCode} are counted ({@code
 * inbound("twilio-status", "status_" + status)}). Error 21610 (the recipient replied STOP to this
 * sender) → an opt-out of the {@code To} phone with source {@link
 * SuppressionSource#DESTINATION_OPT_OUT} on SMS; the codes configured with {@link
 * Builder#suppressOnErrorCodes} (default none; 30003, 30005 and 30006 — unreachable, unknown
 * destination, landline — are the usual candidates) → an opt-out with source {@link
 * SuppressionSource#BOUNCE_OR_COMPLAINT} on SMS. Both run the client's opt-out policy, audience
 * removes included. Answer: 204.
 *
 * <p><b>Threads.</b> Immutable and thread-safe; {@code handle} runs on the server's thread and blocks
 * it for the suppression's flush in durable mode (not for the audience removes).
 */
public final class TwilioInbound {
  private static final Logger log = LoggerFactory.getLogger(TwilioInbound.class);

  /** The endpoint name of {@link #messages()} in metrics. */
  public static final String MESSAGES_ENDPOINT = "twilio-messages";
  /** The endpoint name of {@link #statusCallbacks()} in metrics. */
  public static final String STATUS_ENDPOINT = "twilio-status";
  /** 64 KiB: an incoming-message form is a few KiB even with media URLs. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  /** Tokens remembered for dedupe: at 100 requests/s, about 15 minutes of retries. */
  public static final int DEFAULT_RECENT_TOKENS = 100_000;
  /** Seconds a 503 asks Twilio to wait. */
  static final String RETRY_AFTER_SECONDS = "5";
  /** Twilio error 21610: "Attempt to send to unsubscribed recipient". */
  static final String ERROR_UNSUBSCRIBED = "21610";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

  private static final Set<String> STOP_WORDS =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
  private static final Set<String> START_WORDS = Set.of("START", "YES", "UNSTOP");

  /** What an incoming message asks for. */
  enum Keyword {
    STOP,
    START,
    HELP,
    NONE
  }

  private final Outlane outlane;
  private final TwilioSignature signature;
  private final URI publicBaseUrl;
  private final int maxBodyBytes;
  private final MetricsSink metrics;
  private final Set<String> suppressOnErrorCodes;
  private final RecentTokens messageTokens;
  private final RecentTokens statusTokens;

  private TwilioInbound(Builder b) {
    this.outlane = Objects.requireNonNull(b.outlane);
    this.signature = new TwilioSignature(b.tokens);
    this.publicBaseUrl = Objects.requireNonNull(b.publicBaseUrl);
    this.maxBodyBytes = b.maxBodyBytes;
    this.metrics = b.metrics;
    this.suppressOnErrorCodes = Set.copyOf(b.suppressOnErrorCodes);
    this.messageTokens = new RecentTokens(b.recentTokens);
    this.statusTokens = new RecentTokens(b.recentTokens);
  }

  /** A builder; {@code outlane}, an auth token and {@code publicBaseUrl} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The incoming-message webhook handler. */
  public InboundHandler messages() {
    return request -> handle(MESSAGES_ENDPOINT, messageTokens, request, this::message);
  }

  /** The status-callback handler. */
  public InboundHandler statusCallbacks() {
    return request -> handle(STATUS_ENDPOINT, statusTokens, request, this::status);
  }

  /** The result of one endpoint's own work: the response and the outcome to count. */
  private record Answer(InboundResponse response, String outcome) {}

  @FunctionalInterface
  private interface Work {
    Answer run(Map<String, List<String>> params);
  }

  private InboundResponse handle(String endpoint, RecentTokens tokens, InboundRequest request,
      Work work) {
    Answer a;
    try {
      a = checkThenRun(tokens, request, work);
    } catch (RuntimeException e) {
      // Never a stack trace to the caller, never request data in the log line.
      log.error("{}: request failed ({})", endpoint, e.getClass().getName());
      a = new Answer(InboundResponse.text(500, "internal error"), "error");
    }
    metrics.inbound(endpoint, a.outcome());
    return a.response();
  }

  private Answer checkThenRun(RecentTokens tokens, InboundRequest request, Work work) {
    if (request.bodyLength() > maxBodyBytes) {
      return new Answer(InboundResponse.text(413, "body too large"), "too_large");
    }
    if (!"POST".equals(request.method())) {
      return new Answer(InboundResponse.of(405).withHeader("Allow", "POST"), "method_not_allowed");
    }
    String url = TwilioSignature.signedUrl(publicBaseUrl, request.url());
    String contentType = request.header("Content-Type");
    boolean json = contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    Map<String, List<String>> params;
    String sig = request.header("X-Twilio-Signature");
    if (json) {
      if (!signature.verifyJson(url, request.body(), sig)) {
        return unauthorized();
      }
      // A JSON body (Twilio's newer webhooks) carries no form fields this lane acts on.
      params = Map.of();
    } else {
      try {
        params = FormBody.parse(new String(request.body(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // Unparseable: cannot be the form Twilio signed; do not reveal which check failed.
        return unauthorized();
      }
      if (!signature.verifyForm(url, params, sig)) {
        return unauthorized();
      }
    }
    @Nullable String token = request.header("I-Twilio-Idempotency-Token");
    if (token != null && tokens.contains(token)) {
      return new Answer(twiml(), "duplicate");
    }
    Answer a;
    try {
      a = work.run(params);
    } catch (QueueFullException | StorageException e) {
      return unavailable();
    } catch (ValidationException e) {
      List<String> paths = new ArrayList<>();
      e.problems().forEach(p -> paths.add(p.path()));
      return new Answer(InboundResponse.text(400, "invalid " + String.join(", ", paths)), "invalid");
    } catch (OutlaneException e) {
      return unavailable(); // the client is closed or closing
    }
    if (token != null && a.response().status() < 300) {
      tokens.add(token); // only once it acted: a failed attempt may be retried
    }
    return a;
  }

  private Answer message(Map<String, List<String>> params) {
    Keyword k = keyword(FormBody.first(params, "OptOutType"), FormBody.first(params, "Body"));
    String from = FormBody.first(params, "From");
    if ((k == Keyword.STOP || k == Keyword.START) && from.isBlank()) {
      return new Answer(InboundResponse.text(400, "invalid From"), "invalid");
    }
    String sid = FormBody.first(params, "MessageSid");
    switch (k) {
      case STOP -> {
        outlane.optOut(OptOut.builder().source(SuppressionSource.TWILIO_STOP).channels(Channel.SMS)
            .phone(from).dedupeId(sid.isBlank() ? null : sid).build());
        return new Answer(twiml(), "stop");
      }
      case START -> {
        outlane.lift(OptOut.builder().source(SuppressionSource.TWILIO_STOP).channels(Channel.SMS)
            .phone(from).build());
        return new Answer(twiml(), "start");
      }
      case HELP -> {
        return new Answer(twiml(), "help");
      }
      default -> {
        return new Answer(twiml(), "message");
      }
    }
  }

  private Answer status(Map<String, List<String>> params) {
    String status = FormBody.first(params, "MessageStatus").toLowerCase(Locale.ROOT);
    if (!status.matches("[a-z_]{1,32}")) {
      return new Answer(InboundResponse.text(400, "invalid MessageStatus"), "invalid");
    }
    String code = FormBody.first(params, "ErrorCode").strip();
    String to = FormBody.first(params, "To");
    @Nullable SuppressionSource source = code.equals(ERROR_UNSUBSCRIBED)
        ? SuppressionSource.DESTINATION_OPT_OUT
        : suppressOnErrorCodes.contains(code) ? SuppressionSource.BOUNCE_OR_COMPLAINT : null;
    if (source != null && !to.isBlank()) {
      String sid = FormBody.first(params, "MessageSid");
      outlane.optOut(OptOut.builder().source(source).channels(Channel.SMS).phone(to)
          .dedupeId(sid.isBlank() ? null : sid + "/" + code).build());
    }
    return new Answer(InboundResponse.of(204), "status_" + status);
  }

  /** What a message asks for: Advanced Opt-Out's {@code OptOutType} first, else the keywords. */
  static Keyword keyword(String optOutType, String body) {
    String type = optOutType.strip().toUpperCase(Locale.ROOT);
    if (!type.isEmpty()) {
      return switch (type) {
        case "STOP" -> Keyword.STOP;
        case "START" -> Keyword.START;
        case "HELP" -> Keyword.HELP;
        default -> Keyword.NONE;
      };
    }
    String word = body.strip().toUpperCase(Locale.ROOT);
    if (STOP_WORDS.contains(word)) {
      return Keyword.STOP;
    }
    if (START_WORDS.contains(word)) {
      return Keyword.START;
    }
    return Keyword.NONE;
  }

  private static InboundResponse twiml() {
    return InboundResponse.text(200, EMPTY_TWIML).withHeader("Content-Type", "text/xml; charset=utf-8");
  }

  private static Answer unauthorized() {
    return new Answer(InboundResponse.of(401), "unauthorized");
  }

  private static Answer unavailable() {
    return new Answer(InboundResponse.text(503, "unavailable")
        .withHeader("Retry-After", RETRY_AFTER_SECONDS), "unavailable");
  }

  @Override
  public String toString() {
    return "TwilioInbound{publicBaseUrl=" + publicBaseUrl + "}";
  }

  /** Configures {@link TwilioInbound}; setters check their value at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Outlane outlane;
    private final List<String> tokens = new ArrayList<>(2);
    private @Nullable URI publicBaseUrl;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int recentTokens = DEFAULT_RECENT_TOKENS;
    private MetricsSink metrics = MetricsSink.noop();
    private Set<String> suppressOnErrorCodes = Set.of();

    private Builder() {}

    /** The client opt-outs go to. Required. */
    public Builder outlane(Outlane outlane) {
      this.outlane = Objects.requireNonNull(outlane, "outlane");
      return this;
    }

    /** The account's auth token Twilio signs with. Required. */
    public Builder authToken(String token) {
      Objects.requireNonNull(token, "authToken");
      if (token.isBlank()) {
        throw new IllegalArgumentException("authToken: must not be blank");
      }
      tokens.add(0, token);
      while (tokens.size() > 2) {
        tokens.remove(tokens.size() - 1);
      }
      return this;
    }

    /** The token being retired, also accepted until you remove it (rotation). Optional. */
    public Builder previousAuthToken(String token) {
      Objects.requireNonNull(token, "previousAuthToken");
      if (token.isBlank()) {
        throw new IllegalArgumentException("previousAuthToken: must not be blank");
      }
      if (tokens.size() == 2) {
        tokens.remove(1);
      }
      tokens.add(token);
      return this;
    }

    /**
     * The public base URL Twilio is configured with, e.g. {@code https://hooks.example.com} (or
     * with a path prefix a proxy strips); the request's path and query are appended. Required.
     */
    public Builder publicBaseUrl(URI url) {
      Objects.requireNonNull(url, "publicBaseUrl");
      if (!url.isAbsolute() || url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "publicBaseUrl: must be an absolute URL without query or fragment, was " + url);
      }
      this.publicBaseUrl = url;
      return this;
    }

    /** The largest body accepted; larger → 413 (default {@value #DEFAULT_MAX_BODY_BYTES}). */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes: must be at least 1024, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Idempotency tokens remembered per endpoint (default {@value #DEFAULT_RECENT_TOKENS}). */
    public Builder recentTokens(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("recentTokens: must be at least 1, was " + count);
      }
      this.recentTokens = count;
      return this;
    }

    /** Where each request's outcome is counted (default: nowhere). */
    public Builder metrics(MetricsSink metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Status-callback error codes that suppress the {@code To} phone on SMS as {@link
     * SuppressionSource#BOUNCE_OR_COMPLAINT} (default none). 21610 is always an opt-out.
     */
    public Builder suppressOnErrorCodes(Set<String> codes) {
      for (String c : codes) {
        if (!c.matches("[0-9]{1,10}")) {
          throw new IllegalArgumentException("suppressOnErrorCodes: not a Twilio error code: " + c);
        }
      }
      this.suppressOnErrorCodes = Set.copyOf(codes);
      return this;
    }

    /**
     * Builds it.
     *
     * @throws IllegalStateException naming what is missing
     */
    public TwilioInbound build() {
      if (outlane == null) {
        throw new IllegalStateException("outlane: required");
      }
      if (tokens.isEmpty()) {
        throw new IllegalStateException("authToken: required");
      }
      if (publicBaseUrl == null) {
        throw new IllegalStateException("publicBaseUrl: required");
      }
      return new TwilioInbound(this);
    }
  }
}
