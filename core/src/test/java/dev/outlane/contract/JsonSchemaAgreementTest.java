package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schema shipped in core's resources and {@link EventCodec} must agree on every example
 * payload: the valid ones in {@code examples/payloads/*.ndjson}, the invalid ones in {@code
 * invalid-examples.ndjson}, and a set of invalid payloads written here. Rules a schema cannot
 * express are listed separately and must be caught by the codec alone.
 */
class JsonSchemaAgreementTest {
  static final Path PAYLOADS = Path.of("..", "examples", "payloads");
  static final String SCHEMA = "/dev/outlane/contract/retention-activation-v1.schema.json";

  private static Schema schema;
  private final EventCodec codec = EventCodec.create();

  @BeforeAll
  static void loadSchema() throws IOException {
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    try (InputStream in = JsonSchemaAgreementTest.class.getResourceAsStream(SCHEMA)) {
      assertThat(in).as("schema resource").isNotNull();
      schema = registry.getSchema(in);
    }
  }

  /** Whether the schema accepts {@code json}; text that is not JSON at all is not accepted. */
  static boolean schemaAccepts(String json) {
    List<Error> errors;
    try {
      errors = schema.validate(json, InputFormat.JSON);
    } catch (RuntimeException notJson) {
      return false;
    }
    return errors.isEmpty();
  }

  static List<String> lines(String file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(PAYLOADS.resolve(file), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }

  static Stream<Arguments> validExamples() throws IOException {
    List<Arguments> args = new ArrayList<>();
    for (String file :
        List.of(
            "cart-abandoned-high-aov.ndjson",
            "lapsed-60-90-days.ndjson",
            "vip-churn-risk.ndjson",
            "recent-purchaser-suppression.ndjson")) {
      List<String> lines = lines(file);
      for (int i = 0; i < lines.size(); i++) {
        args.add(Arguments.of(file + ":" + (i + 1), lines.get(i)));
      }
    }
    return args.stream();
  }

  static Stream<Arguments> invalidExamples() throws IOException {
    List<Arguments> args = new ArrayList<>();
    List<String> lines = lines("invalid-examples.ndjson");
    for (int i = 0; i < lines.size(); i++) {
      args.add(Arguments.of("invalid-examples.ndjson:" + (i + 1), lines.get(i)));
    }
    String ok = EventCodecReadTest.event("");
    for (String bad :
        List.of(
            EventCodecReadTest.eventWith("schema_version", "\"1\""),
            EventCodecReadTest.eventWith("schema_version", "\"3.2\""),
            EventCodecReadTest.eventWith("schema_version", "1.0"),
            EventCodecReadTest.eventWith("event_id", "\"" + "x".repeat(129) + "\""),
            EventCodecReadTest.eventWith("event_id", "\"\""),
            EventCodecReadTest.eventWith("event_name", "\"9lives\""),
            EventCodecReadTest.eventWith("source", "\"  \""),
            EventCodecReadTest.eventWith("customer_id", ""),
            EventCodecReadTest.eventWith("customer_id", "null"),
            EventCodecReadTest.eventWith("event_time", "\"2026-11-29T18:00:00\""),
            EventCodecReadTest.eventWith("event_time", "\"yesterday\""),
            EventCodecReadTest.eventWith("event_time", "1795975200.5"),
            EventCodecReadTest.eventWith("event_time", "-1"),
            EventCodecReadTest.eventWith("event_time", "253402300800000"),
            EventCodecReadTest.eventWith("event_time", "\"2026-02-30T18:00:00Z\""),
            EventCodecReadTest.event("\"email\":\"no-at-sign.example.com\""),
            EventCodecReadTest.event("\"email\":42"),
            EventCodecReadTest.event("\"phone\":\"call me\""),
            EventCodecReadTest.event("\"audience\":{\"name\":\"vip\"}"),
            EventCodecReadTest.event("\"audience\":{\"name\":\"vip\",\"action\":\"delete\"}"),
            EventCodecReadTest.event("\"commerce\":{\"cart_value\":\"12,50\",\"currency\":\"EUR\"}"),
            EventCodecReadTest.event("\"commerce\":{\"cart_value\":-1,\"currency\":\"EUR\"}"),
            EventCodecReadTest.event("\"commerce\":{\"cart_value\":\"10\"}"),
            EventCodecReadTest.event("\"commerce\":{\"currency\":\"usd1\"}"),
            EventCodecReadTest.event("\"commerce\":{\"skus\":[\"a\",1]}"),
            EventCodecReadTest.event("\"consent\":{\"sms\":\"yes\"}"),
            EventCodecReadTest.event("\"properties\":[]"),
            "[" + ok + "]",
            "\"not an object\"",
            ok.substring(0, ok.length() - 1))) {
      args.add(Arguments.of(bad, bad));
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  void schemaAndCodecBothAcceptEveryValidExample(String name, String json) {
    assertThat(codec.parse(json).problems()).as("codec problems").isEmpty();
    assertThat(schema.validate(json, InputFormat.JSON)).as("schema errors").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void schemaAndCodecBothRejectEveryInvalidExample(String name, String json) {
    assertThat(codec.parse(json).isValid()).as("codec accepts").isFalse();
    assertThat(schemaAccepts(json)).as("schema accepts").isFalse();
  }

  /** What a JSON Schema cannot say; the codec is the reference for these. */
  @Test
  void rulesBeyondTheSchemaAreCaughtByTheCodecAlone() {
    List<String> codecOnly =
        List.of(
            // libphonenumber validity depends on the default region
            EventCodecReadTest.event("\"phone\":\"+1 201 555 01\""),
            // ISO-4217 membership: the schema checks three letters only
            EventCodecReadTest.event("\"commerce\":{\"currency\":\"ABC\"}"),
            // decimal places of a JSON-number cart value
            EventCodecReadTest.event("\"commerce\":{\"cart_value\":0.1234567,\"currency\":\"EUR\"}"),
            // RFC 3339 times before 1970
            EventCodecReadTest.eventWith("event_time", "\"1969-12-31T23:59:59Z\""),
            // duplicate keys
            EventCodecReadTest.event("\"event_id\":\"evt_2\""),
            // the 32 KB limit
            EventCodecReadTest.event("\"properties\":{\"pad\":\"" + "x".repeat(33_000) + "\"}"));
    for (String json : codecOnly) {
      assertThat(schemaAccepts(json)).as("schema accepts %.80s", json).isTrue();
      assertThat(codec.parse(json).isValid()).as("codec accepts %.80s", json).isFalse();
    }
  }

  @Test
  void theSchemaIsDraft2020_12AndRequiresTheSixRequiredFields() throws IOException {
    String text;
    try (InputStream in = JsonSchemaAgreementTest.class.getResourceAsStream(SCHEMA)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(text)
        .contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"")
        .contains(
            "\"required\": [\"schema_version\", \"event_id\", \"event_name\", \"source\", \"customer_id\", \"event_time\"]");
  }
}
