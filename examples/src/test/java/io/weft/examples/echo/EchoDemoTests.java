package io.weft.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo demo on the production loop, over loopback: what it prints, never how fast. */
class EchoDemoTests {

  @Test
  @Timeout(30)
  void demo_echoesEveryMessageOnBothServers_andClosesThem() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> answers;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      answers = EchoDemo.run(out);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(answers).containsExactly("Hello World!", "ping streams", "Hello World!", "ping protocols");
    assertThat(lines).hasSize(7);
    assertThat(lines.get(0)).matches("echo server \\(streams\\) listening on 127\\.0\\.0\\.1:\\d+");
    assertThat(lines.get(1)).isEqualTo("  sent Hello World!, received Hello World!");
    assertThat(lines.get(3)).matches("echo server \\(protocols\\) listening on 127\\.0\\.0\\.1:\\d+");
    assertThat(lines.get(5)).isEqualTo("  sent ping protocols, received ping protocols");
    assertThat(lines).last().isEqualTo("both servers closed");
  }
}
