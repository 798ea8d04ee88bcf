package dev.outlane.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class InboundAuthTest {
  private static InboundRequest.Builder request() {
    return InboundRequest.builder("POST", URI.create("https://hooks.example.com/cio"))
        .remoteAddress("203.0.113.7");
  }

  private static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aConfiguredHeaderValuePermitsAndAnyOtherValueDoesNot() {
    InboundAuth auth = InboundAuth.builder().header("Authorization", "Bearer current").build();

    assertThat(auth.permits(request().header("authorization", "Bearer current").build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", " Bearer current ").build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", "Bearer curren").build())).isFalse();
    assertThat(auth.permits(request().header("Authorization", "Bearer current2").build())).isFalse();
    assertThat(auth.permits(request().build())).isFalse();
  }

  @Test
  void twoSecretsAreValidAtOnceDuringRotationButNotThree() {
    InboundAuth auth = InboundAuth.builder()
        .header("X-Hook-Token", "old")
        .header("x-hook-token", "new")
        .build();

    assertThat(auth.permits(request().header("X-Hook-Token", "old").build())).isTrue();
    assertThat(auth.permits(request().header("X-Hook-Token", "new").build())).isTrue();
    assertThat(auth.permits(request().header("X-Hook-Token", "other").build())).isFalse();
    assertThatThrownBy(() -> InboundAuth.builder().header("T", "a").header("T", "b").header("T", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header T: at most two values (the current and the next, for rotation)");
  }

  @Test
  void basicCredentialsFromTheUrlArriveAsAnAuthorizationHeader() {
    InboundAuth auth = InboundAuth.builder().basic("cio", "pa:ss").basic("cio", "next").build();

    assertThat(auth.permits(request().header("Authorization", basic("cio:pa:ss")).build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", basic("cio:next")).build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", "basic " + basic("cio:next").substring(6))
        .build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", basic("cio:wrong")).build())).isFalse();
    assertThat(auth.permits(request().header("Authorization", "Basic !!notbase64").build())).isFalse();
    assertThat(auth.permits(request().header("Authorization", "Bearer cio:next").build())).isFalse();
  }

  @Test
  void eitherCredentialKindPermitsWhenBothAreConfigured() {
    InboundAuth auth = InboundAuth.builder().header("X-Token", "t").basic("u", "p").build();

    assertThat(auth.permits(request().header("X-Token", "t").build())).isTrue();
    assertThat(auth.permits(request().header("Authorization", basic("u:p")).build())).isTrue();
    assertThat(auth.permits(request().header("X-Token", "x").build())).isFalse();
  }

  @Test
  void anAllowlistIsRequiredOnTopOfTheCredential() {
    InboundAuth auth = InboundAuth.builder()
        .header("X-Token", "t")
        .allowlist(IpAllowlist.builder().allow("203.0.113.0/24").build())
        .build();

    assertThat(auth.permits(request().header("X-Token", "t").build())).isTrue();
    assertThat(auth.permits(request().header("X-Token", "t").remoteAddress("198.51.100.1").build()))
        .isFalse();
    assertThat(auth.permits(request().remoteAddress("203.0.113.9").build())).isFalse();
  }

  @Test
  void theRefusalIsA401WithNoDetail() {
    InboundResponse r = InboundAuth.unauthorized();

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.bodyText()).isEmpty();
    assertThat(r.headers()).isEmpty();
  }

  @Test
  void aBuilderWithoutCredentialsOrWithBlankOnesIsRefused() {
    assertThatThrownBy(() -> InboundAuth.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("InboundAuth: at least one credential is required (header(...) or basic(...))");
    assertThatThrownBy(() -> InboundAuth.builder().header("X-Token", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header X-Token: value must not be blank");
    assertThatThrownBy(() -> InboundAuth.builder().basic("a:b", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("basic: user must not contain ':'");
  }

  @Test
  void toStringNeverShowsASecret() {
    InboundAuth auth = InboundAuth.builder().header("X-Token", "s3cr3t").basic("u", "pw-secret").build();

    assertThat(auth.toString())
        .isEqualTo("InboundAuth{headers=[X-Token x1], basic=1, allowlist=none}")
        .doesNotContain("s3cr3t", "pw-secret");
  }
}
