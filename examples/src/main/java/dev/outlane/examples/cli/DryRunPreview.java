package dev.outlane.examples.cli;

import dev.outlane.destination.DeliveryInterceptor;
import dev.outlane.destination.DeliveryItem;
import dev.outlane.destination.Outcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The dry run as a stage on the real destination's chain: routing, batching and the hashed
 * identifiers are exactly those of a real run, but instead of proceeding to {@code deliver} it
 * prints each item's preview and answers delivered, or rejected if the adapter would refuse the
 * item without sending it (no phone, a template value missing). Runs on the dry run's single
 * thread.
 */
final class DryRunPreview implements DeliveryInterceptor {
  private final Function<DeliveryItem, String> preview;
  private final PrintWriter out;
  private final SendConfig config;

  DryRunPreview(Function<DeliveryItem, String> preview, PrintWriter out, SendConfig config) {
    this.preview = preview;
    this.out = out;
    this.config = config;
  }

  /**
   * {@code line} without any value that came from an environment variable: a route target or
   * option (exactly, however short), an SMS body rendered from a template that came from one
   * (whole), and anything else the config recorded ({@link SendConfig#scrub}).
   */
  private String hideEnvironmentValues(DeliveryItem item, String line) {
    String templateVar = config.variableOf(item.option("template"));
    int body = line.indexOf(" Body=");
    if (templateVar != null && body >= 0) {
      line = line.substring(0, body) + " Body=(template from ${" + templateVar + "} not shown)";
    }
    List<String> values = new ArrayList<>(item.options().values());
    if (item.target() != null) {
      values.add(item.target());
    }
    for (String v : values) {
      String var = config.variableOf(v);
      if (var != null && !v.isEmpty()) {
        line = line.replace(v, "(value from ${" + var + "} not shown)");
      }
    }
    return config.scrub(line);
  }

  /** Never proceeds: a dry run sends nothing. */
  @Override
  public List<Outcome> intercept(Chain chain) {
    String name = chain.destination().name();
    List<Outcome> outcomes = new ArrayList<>(chain.batch().size());
    synchronized (out) {
      for (DeliveryItem item : chain.batch()) {
        String line = preview.apply(item);
        out.println(name + ": " + hideEnvironmentValues(item, line));
        outcomes.add(line.startsWith(SendDestinationType.WOULD_BE_REJECTED)
            ? Outcome.rejected(null, line.substring(SendDestinationType.WOULD_BE_REJECTED.length()))
            : Outcome.delivered("dry-run"));
      }
    }
    return outcomes;
  }
}
