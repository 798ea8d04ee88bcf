package dev.outlane.examples.cli;

import dev.outlane.Outlane;
import dev.outlane.examples.cli.SendConfig.ConfigException;
import dev.outlane.identity.IdentityNormalizer;
import dev.outlane.routing.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SendConfig} file describes, built: the identity rules of its {@code region}, one
 * real adapter per configured destination, and its routes. Shared by {@code outlane send} and
 * {@code outlane dead-letters replay --config}, so both read the same file the same way and reach
 * the same destinations (a replay needs the routes too: they carry each target's options, e.g. the
 * SMS template).
 *
 * <p>Owns the adapters until they are registered on a client; {@link #close()} closes them if the
 * client was never built. Not thread-safe: build one per command run.
 *
 * @param config the parsed file
 * @param normalizer identity rules for the file's {@code region}
 * @param built the adapters, in the file's {@code destinations} order
 */
record ConfiguredDestinations(SendConfig config, IdentityNormalizer normalizer,
    List<SendDestinationType.Built> built) {

  ConfiguredDestinations {
    built = List.copyOf(built);
  }

  /**
   * Reads {@code file} and builds every destination it configures.
   *
   * @param env looks up environment variables (null for unset); their values are never printed
   * @throws ConfigException naming the file's key and the reason (never a secret's value); no
   *     adapter is left open
   */
  static ConfiguredDestinations load(Path file, Function<String, @Nullable String> env)
      throws ConfigException {
    SendConfig cfg = SendConfig.load(file, env);
    IdentityNormalizer normalizer;
    try {
      normalizer = IdentityNormalizer.builder().defaultRegion(cfg.region()).build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(cfg.scrub("region: not a supported region: \"" + cfg.region() + "\""));
    }
    List<SendDestinationType.Built> built = new ArrayList<>();
    try {
      for (SendConfig.DestinationConfig d : cfg.destinations()) {
        built.add(d.type().build(d.name(), d.values()));
      }
    } catch (ConfigException e) {
      built.forEach(b -> b.destination().close());
      // An adapter's message may quote the value it refused: never one from the environment.
      throw new ConfigException(cfg.scrub(e.getMessage()));
    }
    return new ConfiguredDestinations(cfg, normalizer, built);
  }

  /** The configured destination names, in file order. */
  List<String> names() {
    return config.destinations().stream().map(SendConfig.DestinationConfig::name).toList();
  }

  /**
   * Registers the identity rules, every real destination with its options, and every route on
   * {@code builder}; the client built from it then owns (and closes) the adapters.
   */
  Outlane.Builder register(Outlane.Builder builder) {
    builder.identityNormalizer(normalizer);
    for (SendDestinationType.Built b : built) {
      builder.destination(b.destination(), b.options());
    }
    for (Route r : config.routes()) {
      builder.route(r);
    }
    return builder;
  }

  /** Closes every adapter: for when no client was built to own them. */
  void close() {
    built.forEach(b -> b.destination().close());
  }
}
