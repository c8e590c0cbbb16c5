package io.weft.sim;

import io.weft.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A simulated run drawn as a timeline, in two forms: a trace in the Chrome trace-event format (JSON, for
 * <a href="https://ui.perfetto.dev">Perfetto</a> and {@code chrome://tracing}) and a self-contained HTML page (no
 * network access, nothing to install: open it in a browser). {@code @AsyncTest} writes both beside the text trace of
 * every failure it reports; these methods do the same for a {@link Simulation#run} result.
 *
 * <p>Both show one track per task (named as the trace names it) with a slice per step, a track for timers and other
 * callbacks, one for network deliveries, and one for the choices the strategy made, where a deviation (a nonzero
 * choice) is marked in red with its sentence from {@link SimResult#deviations()}. An arrow (a flow, in Perfetto) goes
 * from the event that made a task runnable (the step, timer, callback or delivery that was running when the task's
 * step was queued) to that step. The failure is a line at the point where it was recorded; the clean-up after it is
 * shown faded.
 *
 * <p>The x axis of the JSON is virtual time in microseconds, except that events never share a place: each event takes
 * one microsecond, so the steps of one virtual instant (steps take no virtual time) are laid out in the order they
 * ran, and a burst of n events pushes what follows at most n microseconds past its virtual time. Each slice's
 * arguments give its exact virtual time and its number in the trace. The HTML page lays events out one column each,
 * in order, with a mark where virtual time moves. Only the events the trace kept ({@link SimOptions#traceLimit()})
 * are shown: in the JSON at most {@value #CHROME_EVENTS} and in the HTML page at most {@value #HTML_EVENTS}, the last
 * ones up to the failure and at most a tenth of that of the clean-up after it.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Timeline {

  /** The most events the HTML page shows: the last ones up to the failure, and a few of the clean-up after it. */
  public static final int HTML_EVENTS = 5_000;

  /** The most events the Chrome trace holds (about 7 MB of JSON), chosen as the page's are. */
  public static final int CHROME_EVENTS = 20_000;

  private static final String DATA_MARK = "/*WEFT_TIMELINE_DATA*/null";

  private Timeline() {}

  /** The run as a trace in the Chrome trace-event format (a JSON object with {@code traceEvents}). */
  public static String chromeTrace(SimResult<?> result) {
    Objects.requireNonNull(result, "result must not be null");
    return TimelineJson.chrome(TimelineModel.of(result, CHROME_EVENTS));
  }

  /**
   * Writes {@link #chromeTrace} to {@code file} (UTF-8), creating its directory if needed.
   *
   * @throws IOException if the file cannot be written
   */
  public static void writeChromeTrace(SimResult<?> result, Path file) throws IOException {
    write(file, chromeTrace(result));
  }

  /**
   * The run as one self-contained HTML page headed by {@code title}: rows per task, steps in order, deviations
   * highlighted with their sentences, details on hover and click, the failure at the end.
   */
  public static String html(SimResult<?> result, String title) {
    Objects.requireNonNull(result, "result must not be null");
    Objects.requireNonNull(title, "title must not be null");
    String data = TimelineJson.page(TimelineModel.of(result, HTML_EVENTS), title);
    String page = template();
    int at = page.indexOf(DATA_MARK);
    if (at < 0) {
      throw new IllegalStateException("the timeline template has no data mark " + DATA_MARK);
    }
    return page.substring(0, at) + data + page.substring(at + DATA_MARK.length());
  }

  /**
   * Writes {@link #html} to {@code file} (UTF-8), creating its directory if needed.
   *
   * @throws IOException if the file cannot be written
   */
  public static void writeHtml(SimResult<?> result, String title, Path file) throws IOException {
    write(file, html(result, title));
  }

  private static void write(Path file, String text) throws IOException {
    Objects.requireNonNull(file, "file must not be null");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String template() {
    try (InputStream in = Timeline.class.getResourceAsStream("timeline.html")) {
      if (in == null) {
        throw new IllegalStateException("the timeline template io/weft/sim/timeline.html is missing from "
            + Timeline.class.getModule());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the timeline template", e);
    }
  }
}
