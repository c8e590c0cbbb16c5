package io.weft.sim;

import java.util.List;
import java.util.Locale;

/**
 * The JSON of the two {@link Timeline}s: the Chrome trace-event format (Perfetto, {@code chrome://tracing}), and the
 * data the HTML page draws from.
 */
final class TimelineJson {

  private static final int PID = 1;
  // Slices are this wide on the x axis (one microsecond per event), so that neighbours on a track stay apart.
  private static final double WIDTH = 0.8;
  private static final int MESSAGE_CHARS = 4_000;

  private TimelineJson() {}

  // ------------------------------------------------------------------------------------------------------------
  // The Chrome trace-event format
  // ------------------------------------------------------------------------------------------------------------

  static String chrome(TimelineModel m) {
    SimResult<?> r = m.result;
    Trace trace = r.trace();
    StringBuilder sb = new StringBuilder(256 + m.items.size() * 160);
    sb.append("{\"displayTimeUnit\":\"ms\",\"otherData\":{");
    field(sb, "schedule", r.schedule().abbreviated(300)).append(',');
    field(sb, "replay", r.replay().abbreviated(300)).append(',');
    field(sb, "trace hash", trace.hashHex()).append(',');
    field(sb, "events", String.format(Locale.ROOT, "%,d of %,d shown, from %,d", m.items.size(), trace.eventCount(),
        m.firstShown)).append(',');
    field(sb, "failure", r.failure() == null ? "none" : r.failure().kind() + " in " + r.failure().mode() + " mode")
        .append(',');
    field(sb, "x axis", "virtual time in microseconds; events at one virtual instant are laid out 1 us apart in the"
        + " order they ran (each event's args give its exact virtual time and number)");
    sb.append("},\"traceEvents\":[\n");
    meta(sb, "process_name", 0, "weft simulation " + r.schedule().abbreviated(120));
    int order = 0;
    for (TimelineModel.Track t : m.tracks) {
      sb.append(",\n");
      meta(sb, "thread_name", t.id(), t.label());
      sb.append(",\n{\"ph\":\"M\",\"pid\":1,\"tid\":").append(t.id())
          .append(",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":").append(order++).append("}}");
    }
    long fail = trace.failureIndex();
    long cleanup = fail >= 0 ? fail : trace.cleanupIndex();
    boolean failureDrawn = false;
    double lastX = 0;
    for (TimelineModel.Item it : m.items) {
      Trace.Event e = it.event();
      if (fail >= 0 && !failureDrawn && e.number() >= fail) {
        sb.append(",\n");
        failure(sb, r, it.x() - 0.1);
        failureDrawn = true;
      }
      lastX = it.x();
      sb.append(",\n");
      String cat = category(e.kind());
      if (e.kind() == Trace.CLOCK) {
        sb.append("{\"ph\":\"C\",\"pid\":1,\"name\":\"virtual time\",\"ts\":").append(num(it.x()))
            .append(",\"args\":{\"ms\":").append(num(it.nanos() / 1e6)).append("}}");
        continue;
      }
      if (e.kind() == Trace.CHOICE) {
        boolean deviation = it.deviation() != null;
        sb.append("{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":").append(it.track()).append(",\"ts\":")
            .append(num(it.x() + WIDTH / 2)).append(',');
        field(sb, "name", (deviation ? "DEVIATION " : "choose ") + TimelineModel.choice(e.value())).append(',');
        field(sb, "cat", deviation ? "deviation" : "choice");
        if (deviation) {
          sb.append(",\"cname\":\"terrible\"");
        }
        sb.append(",\"args\":{");
        args(sb, it, e.number() >= cleanup && cleanup >= 0);
        if (deviation) {
          sb.append(',');
          field(sb, "sentence", it.deviation());
        }
        sb.append("}}");
        continue;
      }
      sb.append("{\"ph\":\"X\",\"pid\":1,\"tid\":").append(it.track()).append(",\"ts\":").append(num(it.x()))
          .append(",\"dur\":").append(num(WIDTH)).append(',');
      field(sb, "name", e.text()).append(',');
      field(sb, "cat", cat).append(",\"args\":{");
      args(sb, it, e.number() >= cleanup && cleanup >= 0);
      TimelineModel.Item cause = e.cause() < 0 ? null : m.find(e.cause());
      if (e.cause() >= 0) {
        sb.append(',');
        field(sb, "woken by", "#" + e.cause() + (cause == null ? " (not shown)" : " " + cause.event().text()));
      }
      sb.append("}}");
      if (cause != null && cause.track() != 0 && cause.event().kind() != Trace.CHOICE) {
        // A flow from the event that queued this step to the step: bound to the slices that enclose the two points.
        sb.append(",\n{\"ph\":\"s\",\"id\":").append(e.number()).append(",\"pid\":1,\"tid\":").append(cause.track())
            .append(",\"ts\":").append(num(cause.x() + WIDTH / 2)).append(",\"name\":\"wakeup\",\"cat\":\"wakeup\"}");
        sb.append(",\n{\"ph\":\"f\",\"bp\":\"e\",\"id\":").append(e.number()).append(",\"pid\":1,\"tid\":")
            .append(it.track()).append(",\"ts\":").append(num(it.x() + WIDTH / 2))
            .append(",\"name\":\"wakeup\",\"cat\":\"wakeup\"}");
      }
    }
    if (fail >= 0 && !failureDrawn) {
      sb.append(",\n");
      failure(sb, r, lastX + 1);
    }
    return sb.append("\n]}\n").toString();
  }

  private static void failure(StringBuilder sb, SimResult<?> r, double x) {
    SimFailure f = r.failure();
    String kind = f == null ? "failure" : f.kind().name();
    sb.append("{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"ts\":").append(num(Math.max(0, x))).append(',');
    field(sb, "name", "FAILURE " + kind).append(",\"cat\":\"failure\",\"cname\":\"terrible\",\"args\":{");
    field(sb, "message", f == null ? "" : clip(String.valueOf(f.getMessage()))).append("}}");
  }

  private static void args(StringBuilder sb, TimelineModel.Item it, boolean afterFailure) {
    sb.append("\"event\":").append(it.number()).append(',');
    field(sb, "virtual time", it.seconds());
    if (afterFailure) {
      sb.append(",\"clean-up\":true");
    }
  }

  private static void meta(StringBuilder sb, String name, long tid, String value) {
    sb.append("{\"ph\":\"M\",\"pid\":").append(PID);
    if (tid != 0) {
      sb.append(",\"tid\":").append(tid);
    }
    sb.append(",\"name\":\"").append(name).append("\",\"args\":{");
    field(sb, "name", value).append("}}");
  }

  private static String category(int kind) {
    return switch (kind) {
      case Trace.STEP -> "step";
      case Trace.TIMER -> "timer";
      case Trace.CALLBACK -> "callback";
      case Trace.NET -> "net";
      case Trace.CLOCK -> "clock";
      case Trace.CHOICE -> "choice";
      default -> "event";
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // The HTML page's data
  // ------------------------------------------------------------------------------------------------------------

  static String page(TimelineModel m, String title) {
    SimResult<?> r = m.result;
    Trace trace = r.trace();
    SimFailure f = r.failure();
    StringBuilder sb = new StringBuilder(512 + m.items.size() * 120);
    sb.append('{');
    field(sb, "title", title).append(',');
    field(sb, "kind", f == null ? "" : f.kind().name()).append(',');
    field(sb, "mode", f == null ? r.schedule().mode().name() : f.mode().name()).append(',');
    field(sb, "message", f == null ? "" : clip(String.valueOf(f.getMessage()))).append(',');
    field(sb, "schedule", r.schedule().abbreviated(300)).append(',');
    field(sb, "replay", r.replay().abbreviated(300)).append(',');
    field(sb, "hash", trace.hashHex()).append(',');
    sb.append("\"eventCount\":").append(trace.eventCount()).append(",\"firstShown\":").append(m.firstShown)
        .append(",\"notShownAfter\":").append(m.notShownAfter).append(",\"failureAt\":").append(trace.failureIndex())
        .append(",\"cleanupAt\":").append(trace.cleanupIndex()).append(",\"tracks\":[");
    for (int i = 0; i < m.tracks.size(); i++) {
      TimelineModel.Track t = m.tracks.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"id\":").append(t.id()).append(',');
      field(sb, "label", t.label()).append(',');
      field(sb, "kind", t.kind()).append('}');
    }
    sb.append("],\"deviations\":[");
    List<String> d = r.deviations();
    for (int i = 0; i < d.size(); i++) {
      sb.append(i == 0 ? "" : ",");
      string(sb, d.get(i));
    }
    sb.append("],\"events\":[");
    for (int i = 0; i < m.items.size(); i++) {
      TimelineModel.Item it = m.items.get(i);
      Trace.Event e = it.event();
      sb.append(i == 0 ? "\n" : ",\n").append("{\"n\":").append(e.number()).append(",\"track\":")
          .append(it.track()).append(',');
      field(sb, "kind", category(e.kind())).append(",\"ns\":").append(it.nanos()).append(',');
      field(sb, "text", e.kind() == Trace.CHOICE ? "choose " + TimelineModel.choice(e.value()) : e.text());
      if (e.cause() >= 0) {
        sb.append(",\"cause\":").append(e.cause());
      }
      if (it.deviation() != null) {
        sb.append(",\"dev\":").append(e.deviation()).append(',');
        field(sb, "sentence", it.deviation());
      }
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  // ------------------------------------------------------------------------------------------------------------
  // JSON
  // ------------------------------------------------------------------------------------------------------------

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    string(sb, name);
    sb.append(':');
    string(sb, value);
    return sb;
  }

  /** Appends {@code s} as a JSON string, safe inside an HTML {@code <script>} too ({@code <} is escaped). */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** {@code v} with at most 3 decimals, without trailing zeros (no String.format: a trace has many events). */
  static String num(double v) {
    long thousandths = Math.round(v * 1000);
    long whole = thousandths / 1000;
    long frac = Math.abs(thousandths % 1000);
    String sign = thousandths < 0 && whole == 0 ? "-" : "";
    if (frac == 0) {
      return sign + whole;
    }
    String f = Long.toString(1000 + frac).substring(1);
    int end = f.length();
    while (f.charAt(end - 1) == '0') {
      end--;
    }
    return sign + whole + "." + f.substring(0, end);
  }

  private static String clip(String s) {
    return s.length() <= MESSAGE_CHARS ? s : s.substring(0, MESSAGE_CHARS) + " …";
  }
}
