package io.weft.net;

import io.weft.Api;
import java.io.EOFException;

/**
 * EOF came before a read could finish: asyncio's {@code IncompleteReadError}, an {@link EOFException} holding what
 * was read.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public class IncompleteReadError extends EOFException {

  private static final long serialVersionUID = 1L;

  /** The bytes read before EOF; never null. */
  private final byte[] partial;
  /** How many bytes were expected, or -1 when the read had no fixed size (a separator it never found). */
  private final int expected;

  /**
   * Creates the error.
   *
   * @param partial the bytes read before EOF
   * @param expected the size expected, or -1 for none
   */
  public IncompleteReadError(byte[] partial, int expected) {
    super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : String.valueOf(expected))
        + " expected bytes");
    this.partial = partial.clone();
    this.expected = expected;
  }

  /** Returns the bytes read before EOF (a copy); never null. */
  public byte[] partial() {
    return partial.clone();
  }

  /** Returns the size expected, or -1 when the read had none. */
  public int expected() {
    return expected;
  }
}
