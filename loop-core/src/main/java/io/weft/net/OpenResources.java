package io.weft.net;

import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.internal.CallSite;
import io.weft.internal.Kernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debug mode's registry of a loop's open transports, datagram transports and servers, with where each was made;
 * whatever is still open when the loop closes is reported to the loop's exception handler in asyncio's words
 * ("unclosed transport ...", the {@code ResourceWarning} of {@code _SelectorTransport.__del__}).
 *
 * <p><b>Only in debug mode.</b> asyncio emits its {@code ResourceWarning} always, but Python's default warning
 * filters hide it unless debug mode ({@code -X dev}) is on; what users see is a debug-mode report. A report
 * without debug mode could only count (the creation stack is what makes it actionable, and capturing one per
 * connection is debug mode's price), and an unactionable count at every close is noise. So outside debug mode
 * nothing is recorded: {@link #register} returns null at the cost of one field read, and {@link #unregister} of a
 * resource registered with null does nothing.
 *
 * <p>What is recorded: each transport and server made while debug mode is on (turning it on later does not record
 * what is already open). What counts as open: a transport until its {@code connectionLost} has run (that is when
 * its socket is closed), even if {@code close()} was called and it is still flushing; a server until
 * {@code close()}. A resource leaves the registry then, so the registry never keeps a closed one alive. The
 * registry itself is a loop attachment ({@link Kernel#attachment}), made on the first registration, and reports
 * from a close hook ({@link Kernel#onClose}). Loop thread only.
 */
final class OpenResources {

  /**
   * One open resource: what it is ("transport", "server"), the stack where it was made, and for a transport a
   * server accepted, the server and the stack where the server was made (null otherwise).
   */
  private record Entry(String kind, Throwable createdAt, Object server, Throwable serverCreatedAt) {}

  private final EventLoop loop;
  // Invariant: holds exactly the resources registered with a stack whose connectionLost (or close, for a server)
  // has not run; insertion order, so reports read in the order things were opened.
  private final Map<Object, Entry> open = new LinkedHashMap<>();

  private OpenResources(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Records {@code resource} as open if {@code loop} is in debug mode, and returns the stack where it is being made;
   * returns null (recording nothing) outside debug mode. {@code parent} is the server that accepted a transport, or
   * null: a transport accepted by a server is reported with the server's creation site, since its own stack is the
   * loop's accepting it.
   */
  static Throwable register(EventLoop loop, String kind, Object resource, Object parent) {
    if (!loop.isDebug()) {
      return null;
    }
    Throwable createdAt = new Throwable(kind + " created at");
    OpenResources r = Kernel.get().attachment(loop, OpenResources.class, () -> create(loop));
    Entry server = parent == null ? null : r.open.get(parent);
    r.open.put(resource, new Entry(kind, createdAt, parent, server == null ? null : server.createdAt()));
    return createdAt;
  }

  /** Forgets {@code resource}: it is closed. A no-op when {@code createdAt} is null (it was never recorded). */
  static void unregister(EventLoop loop, Object resource, Throwable createdAt) {
    if (createdAt != null) {
      Kernel.get().attachment(loop, OpenResources.class, () -> create(loop)).open.remove(resource);
    }
  }

  /** Returns how many resources of {@code loop} are recorded as open (always 0 outside debug mode); for tests. */
  static int openCount(EventLoop loop) {
    return Kernel.get().attachment(loop, OpenResources.class, () -> create(loop)).open.size();
  }

  private static OpenResources create(EventLoop loop) {
    OpenResources r = new OpenResources(loop);
    Kernel.get().onClose(loop, r::reportUnclosed);
    return r;
  }

  /** Reports each resource still open, in the order they were opened, then forgets them all. */
  private void reportUnclosed() {
    List<Map.Entry<Object, Entry>> left = new ArrayList<>(open.entrySet());
    open.clear();
    for (Map.Entry<Object, Entry> e : left) {
      Object resource = e.getKey();
      Entry entry = e.getValue();
      StringBuilder message = new StringBuilder("unclosed ").append(entry.kind()).append(' ').append(resource);
      if (entry.server() == null) {
        String site = site(entry.createdAt());
        if (site != null) {
          message.append(", opened at ").append(site);
        }
      } else { // its own stack is the loop's accepting it: the user's line is where the server was made
        message.append(", accepted by ").append(entry.server());
        String site = entry.serverCreatedAt() == null ? null : site(entry.serverCreatedAt());
        if (site != null) {
          message.append(", created at ").append(site);
        }
      }
      Map<String, Object> extras = new LinkedHashMap<>();
      extras.put(entry.kind(), resource);
      extras.put("source_traceback", withoutRegistry(entry.createdAt().getStackTrace()));
      loop.callExceptionHandler(new ExceptionContext(message.toString(), null, null, null, null, extras));
    }
  }

  /** The stack without its first frames, this registry's own (asyncio's source traceback starts at the caller). */
  private static StackTraceElement[] withoutRegistry(StackTraceElement[] stack) {
    int first = 0;
    while (first < stack.length && stack[first].getClassName().equals(OpenResources.class.getName())) {
      first++;
    }
    return java.util.Arrays.copyOfRange(stack, first, stack.length);
  }

  /**
   * The first frame of user code in {@code stack} ({@code EchoClient.run:42}), or null when there is none (a
   * transport a server accepted is made by the loop).
   */
  private static String site(Throwable stack) {
    return CallSite.of(stack.getStackTrace());
  }
}
