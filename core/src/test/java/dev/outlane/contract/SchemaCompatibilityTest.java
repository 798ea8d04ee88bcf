package dev.outlane.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guard on contract v1: the schema this release ships must stay compatible with every committed
 * baseline ({@code schema-baselines/retention-activation-v1.<minor>.schema.json}), and the guard
 * must refuse the changes that break consumers.
 */
class SchemaCompatibilityTest {
  private static final String SHIPPED = "/dev/outlane/contract/retention-activation-v1.schema.json";
  private static final String BASELINE_1_0 =
      "/dev/outlane/contract/schema-baselines/retention-activation-v1.0.schema.json";

  @Test
  void theShippedSchemaIsCompatibleWithTheCommittedV10Baseline() throws IOException {
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", read(SHIPPED),
        RetentionEvent.CURRENT_SCHEMA_VERSION)).isEmpty();
  }

  @Test
  void aRenamedFieldInAFixtureIsRefusedNamingTheField() throws IOException {
    Map<?, ?> renamed = read("/dev/outlane/contract/schema-fixtures/customer-id-renamed.schema.json");
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", renamed, "1.0"))
        .containsExactly("$: newly required [customerId]", "$.customer_id: removed or renamed",
            "new optional field(s) [$.customerId] need a schema_version above 1.0 (current 1.0)");
  }

  @Test
  void aNarrowedTypeIsRefused() throws IOException {
    Map<String, Object> schema = copy(read(SHIPPED));
    field(schema, "email").put("type", "string");
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0"))
        .containsExactly("$.email: type narrowed from [string, null] to [string]");
  }

  @Test
  void aNewlyRequiredFieldIsRefused() throws IOException {
    Map<String, Object> schema = copy(read(SHIPPED));
    List<Object> required = new ArrayList<>((List<?>) schema.get("required"));
    required.add("email");
    schema.put("required", required);
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0"))
        .containsExactly("$: newly required [email]");
  }

  @Test
  void aChangedConstraintIsAChangeOfMeaningAndIsRefused() throws IOException {
    Map<String, Object> schema = copy(read(SHIPPED));
    field(schema, "event_id").put("maxLength", 64.0);
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0"))
        .containsExactly("$.event_id: constraint maxLength changed from 128.0 to 64.0"
            + " (a change of meaning needs a new major version)");
  }

  @Test
  void aNewOptionalFieldIsAllowedOnlyWithAHigherMinorVersion() throws IOException {
    Map<String, Object> schema = copy(read(SHIPPED));
    @SuppressWarnings("unchecked")
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    properties.put("locale", Map.of("type", List.of("string", "null")));
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0"))
        .containsExactly("new optional field(s) [$.locale] need a schema_version above 1.0"
            + " (current 1.0)");
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.1")).isEmpty();
  }

  @Test
  void anEnumMayGainValuesButNotLoseOne() throws IOException {
    Map<String, Object> schema = copy(read(SHIPPED));
    @SuppressWarnings("unchecked")
    Map<String, Object> audience = (Map<String, Object>) ((Map<String, Object>)
        field(schema, "audience").get("properties")).get("action");
    audience.put("enum", List.of("add", "remove", "replace"));
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0")).isEmpty();
    audience.put("enum", List.of("add"));
    assertThat(SchemaCompatibility.check(read(BASELINE_1_0), "1.0", schema, "1.0"))
        .containsExactly("$.audience.action: enum narrowed from [add, remove] to [add]");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> field(Map<String, Object> schema, String name) {
    return (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
  }

  /** A deep, mutable copy. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put((String) k, v instanceof Map<?, ?> m ? copy(m)
        : v instanceof List<?> l ? new ArrayList<>(l) : v));
    return out;
  }

  private static Map<?, ?> read(String resource) throws IOException {
    try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Moshi.Builder().build().adapter(Map.class).fromJson(json);
    }
  }
}
