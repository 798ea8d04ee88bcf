package dev.outlane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class HttpDestinationBuilderTest {
  /** A destination builder as an adapter writes one: only its own settings. */
  static final class ExampleBuilder extends HttpDestinationBuilder<ExampleBuilder> {
    ExampleBuilder(String defaultUrl) {
      super("example", BaseUrlRule.of(defaultUrl, Pattern.compile("v1"), "/v1/batch"));
    }

    ExampleBuilder() {
      super("example", new BaseUrlRule(null, "https://api.example.com", Pattern.compile("v1"), "/v1/batch"));
    }

    HttpSettings build() {
      return httpSettings();
    }
  }

  @Test
  void defaultsAreTheDestinationsNameAndBaseUrlNoClientAndTheSystemClock() {
    HttpSettings s = new ExampleBuilder("https://api.example.com").build();

    assertThat(s.name()).isEqualTo("example");
    assertThat(s.baseUrl()).isEqualTo(HttpUrl.get("https://api.example.com/"));
    assertThat(s.okHttpClient()).isNull();
    assertThat(s.clock()).isEqualTo(Clock.systemUTC());
    assertThat(s).hasToString("HttpSettings{name=example, baseUrl=https://api.example.com/}");
  }

  @Test
  void everySetterReturnsTheDestinationsBuilderAndKeepsWhatWasSet() {
    OkHttpClient client = new OkHttpClient();
    Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

    HttpSettings s = new ExampleBuilder("https://api.example.com").name("mine")
        .baseUrl("http://127.0.0.1:8080/proxy").okHttpClient(client).clock(clock).build();

    assertThat(s.name()).isEqualTo("mine");
    assertThat(s.baseUrl()).isEqualTo(HttpUrl.get("http://127.0.0.1:8080/proxy/"));
    assertThat(s.okHttpClient()).isSameAs(client);
    assertThat(s.clock()).isSameAs(clock);
  }

  @Test
  void badValuesAreRefusedAtOnceNamingTheSettingNeverTheValue() {
    ExampleBuilder b = new ExampleBuilder("https://api.example.com");

    assertThatThrownBy(() -> b.name(" ")).hasMessage("name: required, was blank");
    assertThatThrownBy(() -> b.okHttpClient(null)).hasMessage("okHttpClient: required, was null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock: required, was null");
    assertThatThrownBy(() -> b.baseUrl("https://user:secret@api.example.com/v1/batch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected a base URL like https://api.example.com, without /v1/batch");
    assertThatThrownBy(() -> b.baseUrl((HttpUrl) null)).hasMessage("baseUrl: required, was null");
  }

  @Test
  void aDestinationWithoutADefaultBaseUrlHasNoneUntilOneIsSet() {
    HttpSettings s = new ExampleBuilder().build();

    assertThat(s.baseUrlOrNull()).isNull();
    assertThatThrownBy(s::baseUrl).isInstanceOf(IllegalStateException.class)
        .hasMessage("baseUrl: required, was not set");
  }

  @Test
  void theSettingsCallerOwnsTheClientOnlyWhenNoneWasGiven() {
    OkHttpClient client = new OkHttpClient();

    assertThat(new ExampleBuilder().build().caller(null).ownsClient()).isTrue();
    assertThat(new ExampleBuilder().okHttpClient(client).build().caller(null).client()).isSameAs(client);
  }

  static final class RateLimitedBuilder extends RateLimitedDestinationBuilder<RateLimitedBuilder> {
    RateLimitedBuilder() {
      super("ads", BaseUrlRule.of("https://ads.example.com", Pattern.compile("v1"), "/v1/"), Duration.ofMinutes(1));
    }

    HttpSettings build() {
      return httpSettings();
    }
  }

  @Test
  void aRateLimitedDestinationsBackoffHasItsDefaultIsCheckedAndReachesItsClassifier() {
    assertThat(new RateLimitedBuilder().build().rateLimitBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(new ExampleBuilder("https://api.example.com").build().rateLimitBackoff()).isNull();
    assertThatThrownBy(() -> new RateLimitedBuilder().rateLimitBackoff(Duration.ofSeconds(-1)))
        .hasMessage("rateLimitBackoff: must not be negative, was PT-1S");
    assertThatThrownBy(() -> new RateLimitedBuilder().rateLimitBackoff(null))
        .hasMessage("rateLimitBackoff: required, was null");

    HttpSettings s = new RateLimitedBuilder().rateLimitBackoff(Duration.ofSeconds(5)).build();
    dev.outlane.destination.Outcome outcome = s.classifier("Ads").build()
        .classify(new Exchange.Answered(429, okhttp3.Headers.of(), "", null));

    assertThat(((dev.outlane.destination.Outcome.Retryable) outcome).retryAfter()).isEqualTo(Duration.ofSeconds(5));
  }
}
