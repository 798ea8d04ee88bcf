package dev.outlane.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private static final Pattern SID = Pattern.compile("AC[0-9a-f]{32}");
  private static final Pattern V1 = Pattern.compile("v1");

  @Test
  void aNullSettingIsRequiredAndNamed() {
    assertThatThrownBy(() -> Settings.requireText("accountSid", System.getenv("OUTLANE_SURELY_UNSET_VARIABLE")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accountSid: required, was null");
    assertThatThrownBy(() -> Settings.require("clock", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock: required, was null");
  }

  @Test
  void aBlankSettingIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> Settings.requireText("writeKey", " \t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeKey: required, was blank");
  }

  @Test
  void aValueOfTheWrongFormIsRefusedNamingTheFormNotTheValue() {
    assertThatThrownBy(() -> Settings.requireMatch("accountSid", "ACsecret", SID, "\"AC\" followed by 32 hex digits"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accountSid: must be \"AC\" followed by 32 hex digits");
    String ok = "AC" + "0".repeat(32);
    assertThat(Settings.requireMatch("accountSid", ok, SID, "x")).isSameAs(ok);
  }

  @Test
  void aSettingNeverSetFailsTheBuildWithAnIllegalState() {
    assertThatThrownBy(() -> Settings.requireSet("accountSid", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("accountSid: required, was not set");
    assertThat(Settings.requireSet("accountSid", "AC1")).isEqualTo("AC1");
  }

  @Test
  void aBaseUrlKeepsItsPathPrefixAndEndsInASlash() {
    assertThat(Settings.requireBaseUrl("baseUrl", "https://api.segment.io", "https://api.segment.io", V1, "/v1/batch"))
        .hasToString("https://api.segment.io/");
    assertThat(Settings.requireBaseUrl("baseUrl", "http://127.0.0.1:8080/proxy/segment", "x", V1, "/v1/batch"))
        .hasToString("http://127.0.0.1:8080/proxy/segment/");
    assertThat(Settings.requireBaseUrl("baseUrl", "HTTPS://Example.com/a/", "x", V1, "/v1/batch"))
        .hasToString("https://Example.com/a/");
  }

  @Test
  void aBaseUrlWithTheApiPathInItSaysWhatFormIsExpected() {
    assertThatThrownBy(() -> Settings.requireBaseUrl(
            "baseUrl", "https://api.segment.io/v1/batch", "https://api.segment.io", V1, "/v1/batch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl: expected a base URL like https://api.segment.io, without /v1/batch");
  }

  @Test
  void aBaseUrlThatIsNotAnHttpUrlIsRefusedWithoutEchoingIt() {
    for (String bad : new String[] {"SECRET-token", "ftp://host/", "https://", "http://exa mple.com", "mailto:a@b.c"}) {
      assertThatThrownBy(() -> Settings.requireBaseUrl("baseUrl", bad, "https://api.segment.io", V1, "/v1/batch"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("baseUrl: expected an http or https URL like https://api.segment.io");
    }
    assertThatThrownBy(() -> Settings.requireBaseUrl("baseUrl", "https://h/?k=SECRET", "https://h", V1, "/v1"))
        .hasMessage("baseUrl: expected a base URL like https://h, without a query or fragment");
    assertThatThrownBy(() -> Settings.requireBaseUrl("baseUrl", null, "https://h", V1, "/v1"))
        .hasMessage("baseUrl: required, was null");
  }
}
