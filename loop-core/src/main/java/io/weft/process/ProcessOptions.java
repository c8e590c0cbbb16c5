package io.weft.process;

import io.weft.Api;
import io.weft.net.StreamReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How a child is started, asyncio's keyword arguments to {@code create_subprocess_exec}: where its stdin, stdout and
 * stderr go, its working directory, its environment and the limit of its stdout and stderr readers.
 *
 * <p>Immutable; start from {@link #defaults()} and change what you need: {@code ProcessOptions.defaults()
 * .stdout(Stdio.PIPE).cwd(Path.of("/tmp"))}.
 *
 * @param stdin where the child reads from; never null, never {@link Stdio#STDOUT}
 * @param stdout where the child writes its output; never null, never {@link Stdio#STDOUT}
 * @param stderr where the child writes its errors; never null
 * @param cwd the child's working directory; null for this JVM's
 * @param env the child's whole environment (not added to this JVM's); null for a copy of this JVM's
 * @param limit the limit of the stdout and stderr {@link StreamReader}s, at least 1
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public record ProcessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Path cwd, Map<String, String> env, int limit) {

  /**
   * Checks the options.
   *
   * @throws NullPointerException naming the stream that is null
   * @throws IllegalArgumentException naming the stream given {@link Stdio#STDOUT} other than stderr, or the limit
   *     if it is not positive
   */
  public ProcessOptions {
    Objects.requireNonNull(stdin, "stdin must not be null (use Stdio.INHERIT for the JVM's own)");
    Objects.requireNonNull(stdout, "stdout must not be null (use Stdio.INHERIT for the JVM's own)");
    Objects.requireNonNull(stderr, "stderr must not be null (use Stdio.INHERIT for the JVM's own)");
    if (stdin == Stdio.STDOUT || stdout == Stdio.STDOUT) {
      throw new IllegalArgumentException("Stdio.STDOUT is only for stderr, got stdin=" + stdin + ", stdout="
          + stdout);
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }
    env = env == null ? null : Map.copyOf(env);
  }

  /** Every stream inherited, this JVM's directory and environment, readers of the default limit (64 KiB). */
  public static ProcessOptions defaults() {
    return new ProcessOptions(Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT, null, null, StreamReader.DEFAULT_LIMIT);
  }

  /** Returns these options with stdin going to {@code where}. */
  public ProcessOptions stdin(Stdio where) {
    return new ProcessOptions(where, stdout, stderr, cwd, env, limit);
  }

  /** Returns these options with stdout going to {@code where}. */
  public ProcessOptions stdout(Stdio where) {
    return new ProcessOptions(stdin, where, stderr, cwd, env, limit);
  }

  /** Returns these options with stderr going to {@code where}. */
  public ProcessOptions stderr(Stdio where) {
    return new ProcessOptions(stdin, stdout, where, cwd, env, limit);
  }

  /** Returns these options with stdin, stdout and stderr all {@link Stdio#PIPE}. */
  public ProcessOptions allPiped() {
    return new ProcessOptions(Stdio.PIPE, Stdio.PIPE, Stdio.PIPE, cwd, env, limit);
  }

  /** Returns these options with the working directory {@code dir} (null: this JVM's). */
  public ProcessOptions cwd(Path dir) {
    return new ProcessOptions(stdin, stdout, stderr, dir, env, limit);
  }

  /** Returns these options with exactly the environment {@code vars} (null: a copy of this JVM's). */
  public ProcessOptions env(Map<String, String> vars) {
    return new ProcessOptions(stdin, stdout, stderr, cwd, vars, limit);
  }

  /** Returns these options with readers of limit {@code n}. */
  public ProcessOptions limit(int n) {
    return new ProcessOptions(stdin, stdout, stderr, cwd, env, n);
  }
}
