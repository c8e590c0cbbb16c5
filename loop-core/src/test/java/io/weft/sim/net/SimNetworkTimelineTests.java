package io.weft.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.Timeline;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A network program's timeline: the deliveries on their own track, and the I/O callbacks that wake readers. */
class SimNetworkTimelineTests {

  @Test
  void deliveries_areSlicesOnTheNetworkTrack_andIoCallbacksWakeTheTasksThatRead() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), SimNetworkDeterminismTests::echoProgram);
    assertThat(r.passed()).isTrue();
    String json = Timeline.chromeTrace(r);

    Matcher track = Pattern.compile("\"tid\":(\\d+),\"name\":\"thread_name\",\"args\":\\{\"name\":\"network\"}")
        .matcher(json);
    assertThat(track.find()).as("a track named network").isTrue();
    String net = track.group(1);
    List<String> deliveries = Pattern.compile("\\{\"ph\":\"X\",\"pid\":1,\"tid\":" + net + ",[^\\n]*\"cat\":\"net\"")
        .matcher(json).results().map(m -> m.group()).toList();
    assertThat(deliveries).anyMatch(s -> s.contains("\"name\":\"net syn #"))
        .anyMatch(s -> s.contains("\"name\":\"net data #")).anyMatch(s -> s.contains("\"name\":\"net fin #"));
    // A delivery makes a socket ready; the loop's I/O callback then wakes the reading task: a flow into its step.
    assertThat(json).containsPattern("\"cat\":\"step\",\"args\":\\{[^}]*\"woken by\":\"#\\d+ callback\"");
    assertThat(json).containsPattern("\\{\"ph\":\"f\",\"bp\":\"e\",\"id\":\\d+,\"pid\":1,\"tid\":\\d+,");
  }
}
