package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimRandom;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the annotation and the configuration parameters combine. */
class SettingsTests {

  private static Settings settings(String method, Map<String, String> config) throws Exception {
    Method m = SettingsTestCase.class.getDeclaredMethod(method);
    return Settings.resolve(m.getAnnotation(AsyncTest.class), k -> Optional.ofNullable(config.get(k)));
  }

  @Test
  void defaults_matchTheDocumentation() throws Exception {
    Settings s = settings("defaults", Map.of());

    assertThat(s.schedules()).isEqualTo(100);
    assertThat(s.seed()).isZero();
    assertThat(s.strategy()).isEqualTo("PORTFOLIO");
    assertThat(List.of(s.schedule(0).strategy(), s.schedule(1).strategy(), s.schedule(2).strategy(),
        s.schedule(4).strategy())).containsExactly("RANDOM", "PCT1", "POS", "PCT1");
    assertThat(s.schedule(0)).isEqualTo(Schedule.of(Mode.FAITHFUL, "RANDOM", SimRandom.derive(0, 0)));
    assertThat(s.mode()).isEqualTo(Mode.FAITHFUL);
    assertThat(s.options().stepLimit()).isEqualTo(1_000_000);
    assertThat(s.options().virtualTimeLimit()).isEqualTo(Duration.ofDays(1));
    assertThat(s.earlyBoundNanos()).isEqualTo(1_000_000);
    assertThat(s.shrink()).isTrue();
    assertThat(s.replay()).isNull();
    assertThat(s.regressions()).isEqualTo(Path.of("").toAbsolutePath().resolve("src/test/resources/weft-regressions.txt"));
    assertThat(s.traceDir()).isEqualTo(Path.of("").toAbsolutePath().resolve("target/weft-traces"));
    assertThat(s.shardIndex()).isZero();
    assertThat(s.shardCount()).isEqualTo(1);
  }

  @Test
  void quietGrace_defaultsTo10ms_isReadAsADuration_andANegativeOneIsRefusedByName() throws Exception {
    assertThat(settings("defaults", Map.of()).options().quietGrace()).isEqualTo(Duration.ofMillis(10));
    assertThat(settings("defaults", Map.of("weft.quietGrace", "250ms")).options().quietGrace())
        .isEqualTo(Duration.ofMillis(250));
    assertThat(settings("defaults", Map.of("weft.quietGrace", "2s")).options().quietGrace())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.quietGrace", "-5ms")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quietGrace");
  }

  @Test
  void attributes_areRead() throws Exception {
    Settings s = settings("annotated", Map.of());

    assertThat(s.schedules()).isEqualTo(7);
    assertThat(s.schedule(3)).isEqualTo(Schedule.of(Mode.CHAOS, "POS", SimRandom.derive(16, 3)).withBounds(2000, 0));
    assertThat(s.options().stepLimit()).isEqualTo(99);
    assertThat(s.options().virtualTimeLimit()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.shrink()).isFalse();
    assertThat(s.selfCheck()).isTrue();
  }

  @Test
  void parameters_overrideTheAttributes() throws Exception {
    Settings s = settings("annotated", Map.ofEntries(Map.entry("weft.schedules", "3"), Map.entry("weft.seed", "42"),
        Map.entry("weft.strategy", "PCT2"), Map.entry("weft.mode", "faithful"), Map.entry("weft.stepLimit", "1_000"),
        Map.entry("weft.virtualTimeLimitSeconds", "60"), Map.entry("weft.shrink", "true"),
        Map.entry("weft.selfCheck", "false"), Map.entry("weft.regressions", "none"),
        Map.entry("weft.replay", "weft:1:CHAOS:REPLAY:5:0:0:1.2"), Map.entry("weft.shard.index", "2"),
        Map.entry("weft.shard.count", "3"), Map.entry("weft.shrinkBudget", "9")));

    assertThat(s.schedules()).isEqualTo(3);
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.schedule(0).strategy()).isEqualTo("PCT2");
    assertThat(s.mode()).isEqualTo(Mode.FAITHFUL);
    assertThat(s.options().stepLimit()).isEqualTo(1000);
    assertThat(s.options().virtualTimeLimit()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.shrink()).isTrue();
    assertThat(s.selfCheck()).isFalse();
    assertThat(s.regressions()).isNull();
    assertThat(s.replay()).isEqualTo(Schedule.parse("weft:1:CHAOS:REPLAY:5:0:0:1.2"));
    assertThat(s.shardIndex()).isEqualTo(2);
    assertThat(s.shardCount()).isEqualTo(3);
    assertThat(s.shrinkRuns()).isEqualTo(9);
  }

  @Test
  void seeds_readDecimalHexAndRandom() throws Exception {
    assertThat(Settings.parseSeed("-5")).isEqualTo(-5);
    assertThat(Settings.parseSeed("0xffffffffffffffff")).isEqualTo(-1);
    Settings r = settings("defaults", Map.of("weft.seed", "random"));
    assertThat(r.seedWasRandom()).isTrue();
  }

  @Test
  void badValues_areRejectedNamingTheKeyAndValue() {
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.seed", "abc")))
        .hasMessageContaining("seed").hasMessageContaining("abc");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.schedules", "0")))
        .hasMessageContaining("weft.schedules").hasMessageContaining("0");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.shard.index", "2", "weft.shard.count", "2")))
        .hasMessageContaining("index 2 of 2");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.shrink", "yes")))
        .hasMessageContaining("weft.shrink").hasMessageContaining("yes");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.strategy", "BOGUS")))
        .hasMessageContaining("BOGUS");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.replay", "weft:9:x")))
        .hasMessageContaining("weft:9:x");
  }

  @Test
  void tooLargeBoundsAndProgressIntervals_failNamingTheSettingAndTheValue() {
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.earlyBoundMicros", "9223372036854775807")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weft.earlyBoundMicros")
        .hasMessageContaining("9223372036854775807");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.lateBoundMicros", "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weft.lateBoundMicros")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> settings("defaults", Map.of("weft.progressSeconds", "9223372036854775807")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weft.progressSeconds")
        .hasMessageContaining("9223372036854775807");
  }
}
