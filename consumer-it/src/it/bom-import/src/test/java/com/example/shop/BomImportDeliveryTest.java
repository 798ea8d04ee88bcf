package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.outlane.FinalState;
import dev.outlane.Outlane;
import dev.outlane.SubmitResult;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.routing.Route;
import dev.outlane.twilio.segment.SegmentDestination;
import dev.outlane.twilio.testing.FakeSegmentServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A project that imports outlane-bom next to a library asking for older okio and Kotlin. */
class BomImportDeliveryTest {
  private static final String WRITE_KEY = "bom-write-key";

  @Test
  void theBomAlignsOkioSoAnEventIsDeliveredToSegment() throws Exception {
    try (FakeSegmentServer segment = FakeSegmentServer.start(WRITE_KEY)) {
      SegmentDestination events = SegmentDestination.builder()
          .writeKey(WRITE_KEY)
          .baseUrl(segment.url())
          .build();
      SubmitResult result;
      try (Outlane outlane = Outlane.builder()
          .destination(events)
          .route(Route.builder().event("cart_abandoned").to(events.name()).build())
          .closeTimeout(Duration.ofSeconds(5))
          .build()) {
        RetentionEvent event = RetentionEvent.builder()
            .eventId("evt-bom-1")
            .eventName("cart_abandoned")
            .source("customerio")
            .customerId("cust-1")
            .eventTime(Instant.now().minus(Duration.ofMinutes(5)))
            .build();
        result = outlane.submit(event).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }

      assertEquals(FinalState.DELIVERED, result.state("segment"), result.toString());
      assertEquals(1L, segment.acceptedCount());
    }
  }

  @Test
  void okioAndEveryKotlinJarHaveTheBomsVersions() throws IOException, NoSuchMethodException {
    assertEquals("okio-jvm-" + System.getProperty("expected.okio.version") + ".jar",
        fileName(okio.Okio.class.getProtectionDomain().getCodeSource().getLocation()));
    assertNotNull(okio.Okio.class.getMethod("socket", Socket.class));

    // Moshi's kotlin-stdlib-jdk8 1.8.21 (and its jdk7) are managed up to the stdlib's version.
    Set<String> kotlinVersions = new TreeSet<>();
    for (URL manifest : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
      String path = manifest.toString();
      if (path.contains("/org/jetbrains/kotlin/")) {
        String dir = path.substring(0, path.lastIndexOf('/', path.indexOf("!/")));
        kotlinVersions.add(dir.substring(dir.lastIndexOf('/') + 1));
      }
    }
    assertEquals(Set.of(System.getProperty("expected.kotlin.version")), kotlinVersions);
  }

  private static String fileName(URL url) {
    String path = url.getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
