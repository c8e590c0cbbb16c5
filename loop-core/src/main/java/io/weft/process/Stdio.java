package io.weft.process;

import io.weft.Api;

/** Where a child's stdin, stdout or stderr goes: asyncio's {@code subprocess.PIPE}, {@code None}, {@code DEVNULL}, {@code STDOUT}. */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.4")
public enum Stdio {
  /** A pipe to this process: a {@code StreamWriter} for stdin, a {@code StreamReader} for stdout and stderr. */
  PIPE,
  /** The child shares this JVM's stream (asyncio's default, {@code None}). */
  INHERIT,
  /** {@code /dev/null}: the child reads nothing (EOF at once) or its output is discarded. */
  DEVNULL,
  /** For stderr only: the child's stderr goes where its stdout goes. */
  STDOUT
}
