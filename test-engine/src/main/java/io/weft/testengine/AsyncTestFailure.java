package io.weft.testengine;

import io.weft.Api;
import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@code @AsyncTest} schedule failed: the message is the whole report (kind and mode, the failure, the original
 * and the shrunk schedule, each involved task and where it awaits, the trace file, the last trace events, and the
 * lines that replay it). The cause is the test's own exception when the test failed, the {@link SimFailure}
 * otherwise.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class AsyncTestFailure extends AssertionError {

  private static final long serialVersionUID = 1L;

  private final SimFailure.Kind kind;
  private final transient Schedule original;
  private final transient Schedule shrunk;
  private final transient Path traceFile;

  AsyncTestFailure(String report, Throwable cause, SimFailure.Kind kind, Schedule original, Schedule shrunk,
      Path traceFile) {
    super(report, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.original = Objects.requireNonNull(original, "original");
    this.shrunk = Objects.requireNonNull(shrunk, "shrunk");
    this.traceFile = traceFile;
  }

  /** What failed; never null. */
  public SimFailure.Kind kind() {
    return kind;
  }

  /** The schedule that failed first, as a {@code REPLAY} of its choices; never null. */
  public Schedule original() {
    return original;
  }

  /** The shrunk schedule that the report's replay lines run; never null (the original if shrinking was off). */
  public Schedule shrunk() {
    return shrunk;
  }

  /** The trace file of the shrunk run, or null if it could not be written. */
  public Path traceFile() {
    return traceFile;
  }

  /** The annotation attribute that replays the shrunk schedule: {@code @AsyncTest(replay = "weft:1:…")}. */
  public String replayAnnotation() {
    return "@AsyncTest(replay = \"" + shrunk + "\")";
  }

  /** The system property that replays the shrunk schedule: {@code -Dweft.replay=weft:1:…}. */
  public String replayProperty() {
    return "-Dweft.replay=" + shrunk;
  }
}
