package io.weft;

/**
 * A request to end the program with a status code; escapes the loop like {@link KeyboardInterrupt}.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public class SystemExit extends BaseError {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** Creates a request to exit with {@code status}. */
  public SystemExit(int status) {
    super("exit status " + status);
    this.status = status;
  }

  /** Returns the exit status. */
  public int status() {
    return status;
  }
}
