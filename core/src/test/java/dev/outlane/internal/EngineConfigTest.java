package dev.outlane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {
  @Test
  void aMissingRequiredSettingIsNamedWhenBuilt() {
    assertThatThrownBy(() -> TestWork.config().suppression(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("suppression");
  }

  @Test
  void lanesKeepTheirRegistrationOrderAndCannotBeChangedAfterwards() {
    TestWork t = new TestWork();
    Map<String, EngineConfig.LaneConfig> lanes = new LinkedHashMap<>();
    lanes.put("zeta", TestWork.laneConfig("zeta"));
    lanes.put("alpha", TestWork.laneConfig("alpha"));

    EngineConfig config = TestWork.config().lanes(lanes).build();
    lanes.clear();

    assertThat(config.lanes().keySet()).containsExactly("zeta", "alpha");
    assertThatThrownBy(() -> config.lanes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(config.frequencyCap()).isNull();
    assertThat(config.routes()).isEqualTo(List.of());
  }
}
