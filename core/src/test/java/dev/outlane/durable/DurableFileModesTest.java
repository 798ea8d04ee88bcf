package dev.outlane.durable;

import static dev.outlane.durable.DurableCrashClient.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.outlane.DurableOptions;
import dev.outlane.Outlane;
import dev.outlane.destination.Channel;
import dev.outlane.destination.DestinationLimits;
import dev.outlane.destination.Outcome;
import dev.outlane.retry.RetryPolicy;
import dev.outlane.routing.Route;
import dev.outlane.testing.FakeDestination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable state holds raw emails and phones: only its owner may read it. */
class DurableFileModesTest {
  @TempDir Path temp;

  @Test
  void everyDurableFileIsOwnerOnlyAndEveryDirectoryTooEvenWhenTheParentIsCreated()
      throws IOException {
    assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path dir = temp.resolve("not-yet").resolve("state");
    FakeDestination sms = FakeDestination.builder("sms").channel(Channel.SMS)
        .limits(DestinationLimits.single()).build();
    sms.failNext(1, Outcome.rejected("21211", "invalid number"));
    try (Outlane outlane = Outlane.builder().retryPolicy(RetryPolicy.noRetries()).destination(sms)
        .route(Route.builder().event("cart_abandoned").to("sms").build())
        .durable(DurableOptions.at(dir).withFsync(false)).build()) {
      outlane.submit(event(1));
      assertThat(outlane.flush(Duration.ofSeconds(10))).isTrue();
    }
    List<Path> all;
    try (Stream<Path> files = Files.walk(temp.resolve("not-yet"))) {
      all = files.toList();
    }
    assertThat(all).anyMatch(p -> p.toString().contains("dead-letters") && p.toString().endsWith(".log"));
    for (Path p : all) {
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
      assertThat(mode).as(temp.relativize(p).toString())
          .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
    }
  }

  @Test
  void aFileAndDirectoryAnOlderReleaseLeftWorldReadableAreRestrictedOnOpen() throws IOException {
    assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    DurableOptions options = DurableOptions.at(temp).withFsync(false);
    try (Outlane outlane = Outlane.builder().destination(FakeDestination.builder("events")
            .channel(Channel.EVENTS).build())
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .durable(options).build()) {
      outlane.submit(event(1));
      outlane.flush(Duration.ofSeconds(10));
    }
    Path segment = options.deadLetterDirectory().resolve("outlane.lock");
    Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(options.deadLetterDirectory(),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Outlane outlane = Outlane.builder().destination(FakeDestination.builder("events")
            .channel(Channel.EVENTS).build())
        .route(Route.builder().event("cart_abandoned").to("events").build())
        .durable(options).build()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(options.deadLetterDirectory()))).isEqualTo("rwx------");
    }
  }
}
