package dev.outlane.examples.serve;

import dev.outlane.inbound.InboundHandler;
import dev.outlane.inbound.InboundResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The operational endpoints of {@code outlane serve}, as {@link InboundHandler}s mounted like the
 * receivers: {@code /healthz}, {@code /readyz} and {@code /metrics}. Also the per-endpoint request
 * meters every mount reports to. Stateless factories; the handlers are thread-safe.
 */
public final class ServiceEndpoints {
  /** The Prometheus text exposition format, version 0.0.4 (what {@code scrape()} writes). */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** The stores {@code Outlane.builder().durable(dir)} opens: each must be a writable directory. */
  static final List<String> DURABLE_STORES = List.of("journal", "dead-letters", "idempotency", "suppression");

  private ServiceEndpoints() {}

  /** {@code /healthz}: 200 {@code ok} while the process answers at all (liveness). */
  public static InboundHandler healthz() {
    return request -> InboundResponse.text(200, "ok\n");
  }

  /**
   * {@code /readyz}: 200 {@code ready} only when {@code admission} is {@link Admission.State#READY}
   * and, in durable mode, each store's directory under {@code durableDir} is a writable directory;
   * otherwise 503 with the reason ({@code recovering}, {@code draining}, {@code durable directory
   * unusable: journal}), naming no path.
   *
   * @param durableDir the {@code --dir}, or null in memory
   */
  public static InboundHandler readyz(Admission admission, @Nullable Path durableDir) {
    return request -> {
      Admission.State state = admission.state();
      if (state != Admission.State.READY) {
        return InboundResponse.text(503, state.name().toLowerCase(java.util.Locale.ROOT) + "\n");
      }
      String unusable = unusableStore(durableDir);
      if (unusable != null) {
        return InboundResponse.text(503, "durable directory unusable: " + unusable + "\n");
      }
      return InboundResponse.text(200, "ready\n");
    };
  }

  /** The first store directory under {@code dir} that is missing or not writable, or null. */
  static @Nullable String unusableStore(@Nullable Path dir) {
    if (dir == null) {
      return null;
    }
    for (String store : DURABLE_STORES) {
      Path p = dir.resolve(store);
      if (!Files.isDirectory(p) || !Files.isWritable(p)) {
        return store;
      }
    }
    return null;
  }

  /** {@code /metrics}: every meter of {@code registry} in the Prometheus text format. */
  public static InboundHandler metrics(PrometheusMeterRegistry registry) {
    return request -> InboundResponse.text(200, registry.scrape()).withHeader("Content-Type", PROMETHEUS_TEXT);
  }

  /**
   * An access log that counts each request in {@code registry}: {@code outlane.inbound.requests}
   * (tags {@code endpoint}, {@code status}) and the timer {@code outlane.inbound.duration} (tag
   * {@code endpoint}). Endpoints are mount paths, so the tags stay few.
   */
  public static AccessLog meters(MeterRegistry registry) {
    return entry -> {
      Counter.builder("outlane.inbound.requests")
          .description("Inbound HTTP requests by endpoint and status answered")
          .tag("endpoint", entry.endpoint())
          .tag("status", Integer.toString(entry.status()))
          .register(registry)
          .increment();
      Timer.builder("outlane.inbound.duration")
          .description("Time from request start to answer written")
          .tag("endpoint", entry.endpoint())
          .register(registry)
          .record(entry.duration());
    };
  }
}
