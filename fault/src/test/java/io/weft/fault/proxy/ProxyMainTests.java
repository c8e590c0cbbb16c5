package io.weft.fault.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ProxyMain}: its arguments, bad ones named, and its console commands on a running proxy. */
class ProxyMainTests {

  @Test
  void theDocumentedCommandLine_reads() {
    ProxyMain.Options o = ProxyMain.parse(new String[] {"--listen", "127.0.0.1:15432", "--upstream",
        "127.0.0.1:5432", "--toxics", "downstream: latency=uniform(1ms,10ms); upstream: reset_peer=500ms @10%",
        "--seed", "42"});
    assertThat(o).isEqualTo(new ProxyMain.Options("127.0.0.1", 15432, "127.0.0.1", 5432,
        ToxicPlan.parse("upstream: reset_peer=500ms @10%; downstream: latency=uniform(1ms,10ms)"), 42L));
    assertThat(ProxyMain.parse(new String[] {"--upstream", "[::1]:80"}))
        .isEqualTo(new ProxyMain.Options("127.0.0.1", 0, "::1", 80, ToxicPlan.NONE, null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--listen 127.0.0.1:1 | --upstream HOST:PORT is required",
      "--upstream | --upstream needs a value",
      "--upstream localhost | --upstream is HOST:PORT, got \"localhost\"",
      "--upstream localhost:0 | --upstream's port must be in 1-65535, got 0",
      "--upstream localhost:http | --upstream's port is a number, got \"localhost:http\"",
      "--upstream h:1 --seed forty | --seed is a whole number, got \"forty\"",
      "--upstream h:1 --verbose yes | unknown argument \"--verbose\": expected --listen, --upstream, --toxics or"
          + " --seed",
      "--upstream h:1 --toxics upstream:latency=1 | latency is a duration with a unit (ns, us, ms or s, e.g."
          + " \"250ms\"), got \"1\""})
  void badArguments_areRefused_namingWhatIsWrong(String args, String message) {
    assertThatThrownBy(() -> ProxyMain.parse(args.split(" "))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void consoleCommands_changeTheToxics_andBadOnesAreAnswered() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", 9).seed(1).log(log::add).start()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      assertThat(ProxyMain.command(proxy, "set downstream: latency=5ms", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "add upstream reset_peer=1s @10%", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "remove downstream latency", out)).isTrue();
      assertThat(proxy.toxics()).hasToString("upstream: reset_peer=1s @10%");
      assertThat(ProxyMain.command(proxy, "remove downstream latency", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "add sideways x=1", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "jump", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "toxics", out)).isTrue();
      assertThat(ProxyMain.command(proxy, "quit", out)).isFalse();
      assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
          "refused \"remove downstream latency\": no toxic named \"latency\" on downstream, which has none",
          "refused \"add sideways x=1\": a direction is upstream or downstream, got \"sideways\"",
          "unknown command \"jump\": expected set, add, remove, toxics, stats or quit",
          "toxics: upstream: reset_peer=1s @10%");
    }
  }
}
