package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.outlane.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThreadPoolSchedulerTest {
  @Test
  void anErrorThrownByATaskIsLoggedAndTheThreadRunsTheNextTask() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ThreadPoolScheduler.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (Scheduler scheduler = Scheduler.threads(1, "test")) {
      CompletableFuture<String> next = new CompletableFuture<>();
      scheduler.execute(() -> {
        throw new NoClassDefFoundError("okio/Socket");
      });
      scheduler.execute(() -> next.complete("ran"));

      assertThat(scheduler.await(next, Duration.ofSeconds(10))).isTrue();
      assertThat(logs.list).singleElement().satisfies(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        assertThat(e.getFormattedMessage()).isEqualTo("outlane task failed");
        assertThat(e.getThrowableProxy().getClassName()).isEqualTo("java.lang.NoClassDefFoundError");
      });
    } finally {
      logger.detachAppender(logs);
    }
  }
}
