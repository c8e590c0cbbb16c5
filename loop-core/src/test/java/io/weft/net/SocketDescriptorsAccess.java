package io.weft.net;

import java.io.IOException;

/** {@link SocketDescriptors} for tests of other packages (the TLS layer's). */
public final class SocketDescriptorsAccess {

  private SocketDescriptorsAccess() {}

  /** Returns how many of this process's descriptors are TCP or UDP sockets. */
  public static long count() throws IOException {
    return SocketDescriptors.inet();
  }
}
