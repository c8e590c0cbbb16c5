package io.weft.testengine;

import io.weft.sim.SimResult;
import io.weft.sim.Timeline;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two timelines of a reported failure ({@link Timeline}), written beside its text trace: {@code <name>.html}, a
 * page to open in a browser, and {@code <name>.json}, the Chrome trace-event format for Perfetto. A file that cannot
 * be written is null, and the note says why.
 *
 * @param html the HTML page, or null
 * @param json the Chrome trace, or null
 * @param note the report's {@code timeline:} line
 */
record Timelines(Path html, Path json, String note) {

  /**
   * Writes both beside {@code traceFile} (named as it is, with another extension), or in {@code traceDir} as
   * {@code timeline} if the trace file could not be written.
   */
  static Timelines write(SimResult<?> run, Path traceDir, Path traceFile, String title) {
    String name = traceFile != null ? traceFile.getFileName().toString().replaceFirst("\\.trace$", "") : "timeline";
    Path dir = traceFile != null && traceFile.toAbsolutePath().getParent() != null
        ? traceFile.toAbsolutePath().getParent() : traceDir;
    Path html = dir.resolve(name + ".html");
    Path json = dir.resolve(name + ".json");
    StringBuilder problems = new StringBuilder();
    try {
      Timeline.writeHtml(run, title, html);
    } catch (IOException | RuntimeException e) {
      problems.append("; the page could not be written to ").append(html).append(": ").append(e);
      html = null;
    }
    try {
      Timeline.writeChromeTrace(run, json);
    } catch (IOException | RuntimeException e) {
      problems.append("; the Chrome trace could not be written to ").append(json).append(": ").append(e);
      json = null;
    }
    String note = (html != null ? html.toAbsolutePath() + " (open it in a browser)" : "no HTML page")
        + (json != null ? "; for Perfetto (ui.perfetto.dev) or chrome://tracing: " + json.toAbsolutePath() : "")
        + problems;
    return new Timelines(html, json, note);
  }
}
