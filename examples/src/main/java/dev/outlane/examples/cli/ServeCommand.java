package dev.outlane.examples.cli;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.examples.cli.SendConfig.ConfigException;
import dev.outlane.examples.serve.AccessLog;
import dev.outlane.examples.serve.Admission;
import dev.outlane.examples.serve.EventIntake;
import dev.outlane.examples.serve.ExchangeBridge;
import dev.outlane.examples.serve.InboundServer;
import dev.outlane.examples.serve.LateHandler;
import dev.outlane.examples.serve.ServeDemo;
import dev.outlane.examples.serve.ServiceEndpoints;
import dev.outlane.inbound.InboundHandler;
import dev.outlane.metrics.MetricsSink;
import dev.outlane.metrics.MicrometerMetricsSink;
import dev.outlane.customerio.CustomerIoReportingReceiver;
import dev.outlane.customerio.CustomerIoWebhookReceiver;
import dev.outlane.inbound.InboundAuth;
import dev.outlane.twilio.inbound.TwilioInbound;
import dev.outlane.twilio.testing.FakeTwilioServer;
import dev.outlane.storage.EncryptionKey;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code outlane serve}: the inbound lane as a long-running service. The destinations and routes
 * come from the same {@code --config} file as {@code outlane send} ({@link SendConfig}); durable on
 * {@code --dir} unless {@code --in-memory}. Endpoints:
 *
 * <ul>
 *   <li>{@code POST /v1/events}: one v1 event ({@link EventIntake}), when the bearer token's
 *       environment variable ({@code --intake-token-env}, default {@code OUTLANE_INTAKE_TOKEN}) is
 *       set.
 *   <li>{@code POST /customerio/webhook} ({@code CustomerIoWebhookReceiver}), {@code
 *       /customerio/reporting} ({@code CustomerIoReportingReceiver}), {@code /twilio/messages} and
 *       {@code /twilio/status} ({@code TwilioInbound}): each when its secret's variable is set
 *       ({@code --cio-webhook-secret-env}, {@code --cio-reporting-key-env}, {@code
 *       --twilio-auth-token-env}; {@code NAME_NEXT} / {@code NAME_PREVIOUS} for rotation).
 *   <li>{@code /healthz} (the process answers), {@code /readyz} (not while recovering or draining,
 *       nor when a store directory is unusable), {@code /metrics} (Prometheus text).
 * </ul>
 *
 * <p>Order of start: the server listens first (so {@code /healthz} answers and the receivers answer
 * 503 during crash recovery), then the client is built (recovery), then it is ready. On SIGTERM (a
 * JVM shutdown hook): stop admitting (503 + {@code Retry-After}), wait for requests in flight, flush
 * and close the client (what is still queued after {@code --drain-timeout} is dead-lettered, so
 * nothing acknowledged is lost), stop the server, and exit 0 — or 1 if the drain timed out. The
 * JVM would report 143 for a SIGTERM; the hook ends with {@code Runtime.halt} to give that code, once
 * everything of ours is closed.
 *
 * <p>Secrets come from environment variables and are never printed. Not thread-safe: one instance
 * per invocation; {@link ServeRunning} is thread-safe.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = OutlaneCli.Version.class,
    description = {
      "Runs the inbound lane as an HTTP service: webhooks in, the configured destinations out.",
      "Same --config as 'outlane send'; durable on --dir (or --in-memory). /healthz, /readyz, /metrics.",
      "SIGTERM: stop accepting (503), deliver or dead-letter what was accepted, exit 0.",
      "--demo: against fake Twilio, Segment and Meta servers on 127.0.0.1.",
    },
    footer = OutlaneCli.EXIT_CODES)
public final class ServeCommand implements Callable<Integer> {
  /** The intake's bearer token in {@code --demo} (a fake: the demo only listens on loopback). */
  static final String DEMO_TOKEN = "demo-token";
  /** The Customer.io reporting webhooks' signing key in {@code --demo} (a fake). */
  static final String DEMO_REPORTING_KEY = "demo-reporting-key";

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The .properties configuration (as for send).")
  @Nullable Path config;

  @Option(names = "--dir", paramLabel = "DIR", description = "Durable mode: journal, dead letters, keys in DIR.")
  @Nullable Path dir;

  @Option(names = "--in-memory", description = "Keep nothing on disk (what is queued at a crash is lost).")
  boolean inMemory;

  @Option(names = "--demo", description = "Start fake Twilio, Segment and Meta servers and route to them.")
  boolean demo;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Where to listen (default ${DEFAULT-VALUE}; port 0 picks a free one).")
  String listen = "127.0.0.1:8080";

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The base URL senders use (e.g. https://hooks.example.com), for signatures behind a proxy.")
  @Nullable URI publicUrl;

  @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "262144",
      description = "Larger bodies are answered 413 (default ${DEFAULT-VALUE}).")
  int maxBodyBytes = ExchangeBridge.Builder.DEFAULT_MAX_BODY_BYTES;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "64",
      description = "Worker threads (default ${DEFAULT-VALUE}): durable requests wait for the journal's group commit.")
  int threads = 64;

  @Option(names = "--queue", paramLabel = "N", defaultValue = "256",
      description = "Requests waiting for a worker (default ${DEFAULT-VALUE}); beyond, accepting pauses.")
  int queue = 256;

  @Option(names = "--intake-token-env", paramLabel = "NAME", defaultValue = "OUTLANE_INTAKE_TOKEN",
      description = "Environment variable holding POST /v1/events' bearer token (default ${DEFAULT-VALUE}).")
  String intakeTokenEnv = "OUTLANE_INTAKE_TOKEN";

  @Option(names = "--cio-webhook-secret-env", paramLabel = "NAME", defaultValue = "CUSTOMERIO_WEBHOOK_SECRET",
      description = {"Environment variable holding the bearer token of POST /customerio/webhook (Customer.io",
        "webhook actions; default ${DEFAULT-VALUE}; NAME_NEXT holds a second one during rotation)."})
  String cioWebhookSecretEnv = "CUSTOMERIO_WEBHOOK_SECRET";

  @Option(names = "--cio-reporting-key-env", paramLabel = "NAME", defaultValue = "CUSTOMERIO_REPORTING_SIGNING_KEY",
      description = {"Environment variable holding the signing key of POST /customerio/reporting",
        "(default ${DEFAULT-VALUE}; NAME_NEXT holds a second one during rotation)."})
  String cioReportingKeyEnv = "CUSTOMERIO_REPORTING_SIGNING_KEY";

  @Option(names = "--twilio-auth-token-env", paramLabel = "NAME", defaultValue = "TWILIO_AUTH_TOKEN",
      description = {"Environment variable holding the auth token that signs POST /twilio/messages and",
        "/twilio/status (default ${DEFAULT-VALUE}; NAME_PREVIOUS holds the old one during rotation)."})
  String twilioAuthTokenEnv = "TWILIO_AUTH_TOKEN";

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "On SIGTERM, how long to deliver what was accepted before dead-lettering it (default ${DEFAULT-VALUE}).")
  Duration drainTimeout = Duration.ofSeconds(30);

  @picocli.CommandLine.Mixin EncryptionKeyOption encryption = new EncryptionKeyOption();

  private final Function<String, @Nullable String> env;

  /** Reads secrets from the process environment. */
  public ServeCommand() {
    this(System::getenv);
  }

  /** For tests: a given environment. */
  ServeCommand(Function<String, @Nullable String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServeRunning running;
    try {
      running = start(out, err);
    } catch (UsageException e) {
      err.println("outlane serve: " + e.getMessage());
      err.flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int code = running.shutdown(out);
      stopped.countDown();
      // The JVM would exit 143 for a SIGTERM; everything of ours is closed, so give our own code.
      Runtime.getRuntime().halt(code);
    }, "outlane-serve-shutdown"));
    if (!running.recover(out, err)) {
      return 2;
    }
    stopped.await();
    return 0;
  }

  /**
   * Checks the options, starts listening and the fakes ({@code --demo}); the client is built by
   * {@link ServeRunning#recover}.
   *
   * @throws UsageException naming the option and the reason
   */
  ServeRunning start(PrintWriter out, PrintWriter err) throws UsageException {
    if (!demo && config == null) {
      throw new UsageException("--config: required (or --demo)");
    }
    if (demo && config != null) {
      throw new UsageException("--demo: runs its own destinations; do not also give --config");
    }
    if (dir != null && inMemory) {
      throw new UsageException("--in-memory: not with --dir");
    }
    if (dir == null && !inMemory && !demo) {
      throw new UsageException("--dir: required (durable by default), or --in-memory to keep nothing on disk");
    }
    if (encryption.given() && dir == null) {
      throw new UsageException("--encryption-key-env: only with --dir (without it nothing is written to disk)");
    }
    InetSocketAddress address = parseListen(listen);
    @Nullable EncryptionKey key;
    try {
      key = dir == null ? null : encryption.read(env);
    } catch (EncryptionKeyOption.KeyException e) {
      throw new UsageException(e.getMessage());
    }
    String token = demo ? DEMO_TOKEN : env.apply(intakeTokenEnv);
    if (token != null && token.isEmpty()) {
      token = null;
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsSink metrics = new MicrometerMetricsSink(registry);
    Outlane.Builder builder = Outlane.builder()
        .metrics(metrics)
        .closeTimeout(drainTimeout);
    ConfiguredDestinations configured = null;
    ServeDemo fakes = null;
    if (demo) {
      fakes = ServeDemo.start();
      fakes.register(builder);
    } else {
      try {
        configured = ConfiguredDestinations.load(config, env);
      } catch (ConfigException e) {
        throw new UsageException(config + ": " + e.getMessage());
      }
      configured.register(builder);
    }
    if (dir != null) {
      builder.durable(DurableOptions.at(dir).withEncryptionKey(key));
    }

    Admission admission = new Admission();
    AtomicReference<@Nullable Outlane> client = new AtomicReference<>();
    AccessLog access = AccessLog.slf4j().andThen(ServiceEndpoints.meters(registry));
    Map<String, InboundHandler> endpoints = new LinkedHashMap<>();
    if (token != null) {
      endpoints.put("/v1/events", admission.admit(new EventIntake(() -> required(client), token)));
    }
    Map<String, Function<Outlane, InboundHandler>> receivers = new LinkedHashMap<>();
    // Twilio signs the URL it was configured with: the public one, else where we listen (known
    // once bound; the receivers are made after that).
    AtomicReference<@Nullable URI> listening = new AtomicReference<>(publicUrl);
    receivers(receivers, metrics, () -> Objects.requireNonNull(listening.get()));
    Map<LateHandler, Function<Outlane, InboundHandler>> late = new LinkedHashMap<>();
    receivers.forEach((path, factory) -> {
      LateHandler handler = new LateHandler();
      late.put(handler, factory);
      endpoints.put(path, admission.admit(handler));
    });
    if (fakes != null) {
      endpoints.put("/demo/fakes", fakes.fakes());
    }
    endpoints.put("/healthz", ServiceEndpoints.healthz());
    endpoints.put("/readyz", ServiceEndpoints.readyz(admission, dir));
    endpoints.put("/metrics", ServiceEndpoints.metrics(registry));
    endpoints.put("/", request -> dev.outlane.inbound.InboundResponse.of(404));
    List<ExchangeBridge> mounts = new ArrayList<>();
    for (Map.Entry<String, InboundHandler> e : endpoints.entrySet()) {
      mounts.add(ExchangeBridge.builder(e.getKey(), e.getValue()).maxBodyBytes(maxBodyBytes)
          .publicBaseUrl(publicUrl).accessLog(access).build());
    }
    InboundServer server;
    try {
      server = InboundServer.start(address, threads, queue, mounts);
    } catch (RuntimeException e) {
      if (configured != null) {
        configured.close();
      }
      if (fakes != null) {
        fakes.close();
      }
      throw new UsageException("--listen " + listen + ": " + SendCommand.causeOf(e));
    }
    String url = "http://" + address.getHostString() + ":" + server.port();
    listening.compareAndSet(null, URI.create(url));
    out.println("listening on " + url + " (" + String.join(", ",
        endpoints.keySet().stream().filter(p -> !p.equals("/")).toList()) + ")");
    if (token == null) {
      out.println("POST /v1/events is off: set $" + intakeTokenEnv + " to a bearer token to turn it on");
    }
    if (demo) {
      out.println("demo: POST a v1 event with 'Authorization: Bearer " + DEMO_TOKEN + "' to " + url
          + "/customerio/webhook (as a Customer.io webhook action) or " + url + "/v1/events, then GET "
          + url + "/demo/fakes");
    }
    out.flush();
    return new ServeRunning(server, admission, client, late, builder, fakes, configured, dir, drainTimeout, url);
  }

  /**
   * The mounting points of the receivers (Customer.io journey actions and reporting webhooks,
   * Twilio inbound messages and status callbacks), by path: each made from the client once crash
   * recovery built it, and mounted behind the admission (503 until then). A receiver whose secret's
   * environment variable is unset is not mounted.
   */
  private void receivers(Map<String, Function<Outlane, InboundHandler>> receivers, MetricsSink metrics,
      Supplier<URI> publicBase) {
    String cioSecret = demo ? DEMO_TOKEN : secret(cioWebhookSecretEnv);
    if (cioSecret != null) {
      InboundAuth.Builder auth = InboundAuth.builder().header("Authorization", "Bearer " + cioSecret);
      String next = demo ? null : secret(cioWebhookSecretEnv + "_NEXT");
      if (next != null) {
        auth.header("Authorization", "Bearer " + next);
      }
      InboundAuth built = auth.build();
      receivers.put("/customerio/webhook", client -> CustomerIoWebhookReceiver.builder(client)
          .auth(built).maxBodyBytes(maxBodyBytes).metrics(metrics).build());
    }
    String reportingKey = demo ? DEMO_REPORTING_KEY : secret(cioReportingKeyEnv);
    if (reportingKey != null) {
      String next = demo ? null : secret(cioReportingKeyEnv + "_NEXT");
      receivers.put("/customerio/reporting", client -> {
        CustomerIoReportingReceiver.Builder b = CustomerIoReportingReceiver.builder(client)
            .maxBodyBytes(maxBodyBytes).metrics(metrics);
        return (next == null ? b.signingKeys(reportingKey) : b.signingKeys(reportingKey, next)).build();
      });
    }
    String twilioToken = demo ? FakeTwilioServer.AUTH_TOKEN : secret(twilioAuthTokenEnv);
    if (twilioToken != null) {
      String previous = demo ? null : secret(twilioAuthTokenEnv + "_PREVIOUS");
      AtomicReference<@Nullable TwilioInbound> twilio = new AtomicReference<>();
      // One TwilioInbound for both paths: they share its idempotency-token memory.
      Function<Outlane, TwilioInbound> make = client -> twilio.updateAndGet(t -> {
        if (t != null) {
          return t;
        }
        TwilioInbound.Builder b = TwilioInbound.builder().outlane(client).authToken(twilioToken)
            .publicBaseUrl(publicBase.get()).maxBodyBytes(maxBodyBytes).metrics(metrics);
        if (previous != null) {
          b.previousAuthToken(previous);
        }
        return b.build();
      });
      receivers.put("/twilio/messages", client -> make.apply(client).messages());
      receivers.put("/twilio/status", client -> make.apply(client).statusCallbacks());
    }
  }

  private @Nullable String secret(String variable) {
    String v = env.apply(variable);
    return v == null || v.isEmpty() ? null : v;
  }

  private static Outlane required(AtomicReference<@Nullable Outlane> client) {
    Outlane c = client.get();
    if (c == null) {
      // Admission admits nothing before the client exists; this is a defect, answered 500.
      throw new IllegalStateException("client not built yet");
    }
    return c;
  }

  static InetSocketAddress parseListen(String listen) throws UsageException {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0 || colon == listen.length() - 1) {
      throw new UsageException("--listen: must be HOST:PORT, e.g. 127.0.0.1:8080, was \"" + listen + "\"");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--listen: port must be 0-65535, was \"" + listen.substring(colon + 1) + "\"");
    }
    return new InetSocketAddress(host, port);
  }

  /** A usage or configuration problem: exit 2, message on stderr. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
