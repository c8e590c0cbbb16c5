package io.weft.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.ExceptionContext;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.net.Transport;
import io.weft.net.tls.Tls;
import io.weft.net.tls.TlsOptions;
import io.weft.sim.net.SimNetwork;
import io.weft.spi.Network;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.SocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Weft's flight-recorder events, read back from a recording dumped to a file: each event with its fields, and none
 * when the events are not enabled. Each test filters the events by the names of its own tasks, so a recording that
 * also catches other loops' work does not disturb it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTests {

  private static final List<String> ALL = List.of(WeftEvents.TASK_CREATED, WeftEvents.TASK_DONE,
      WeftEvents.SLOW_CALLBACK, WeftEvents.BLOCKING_CALL, WeftEvents.TRANSPORT_ERROR);

  /**
   * Runs {@code body} under a recording set up by {@code setUp}; returns the weft.* events it recorded, without the
   * empty weft.WriterSync events.
   */
  private static List<RecordedEvent> record(Recording recording, Consumer<Recording> setUp, Runnable body)
      throws IOException {
    Path file = Files.createTempFile("weft-jfr-test", ".jfr");
    try (recording) {
      setUp.accept(recording);
      recording.start();
      body.run();
      recording.stop();
      recording.dump(file);
      List<RecordedEvent> weft = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        String name = e.getEventType().getName();
        if (name.startsWith("weft.") && !name.equals(WeftEvents.WRITER_SYNC)) {
          weft.add(e);
        }
      }
      return weft;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<RecordedEvent> record(Consumer<Recording> setUp, Runnable body) throws IOException {
    return record(new Recording(), setUp, body);
  }

  private static void enableAll(Recording r) {
    for (String name : ALL) {
      r.enable(name).withoutThreshold();
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String type, String taskName) {
    return events.stream().filter(e -> e.getEventType().getName().equals(type))
        .filter(e -> taskName.equals(e.getString("taskName"))).toList();
  }

  private static RecordedEvent one(List<RecordedEvent> events, String type, String taskName) {
    List<RecordedEvent> found = named(events, type, taskName);
    assertThat(found).as("%s events for task %s in %s", type, taskName, events).hasSize(1);
    return found.getFirst();
  }

  private static void spin(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }

  /** Three tasks that end each way, created by a main task named "jfr-main". */
  private static void threeOutcomes() {
    EventLoop loop = EventLoop.create();
    try {
      loop.runUntilComplete(loop.createTask(() -> {
        Task<String> ok = Weft.createTask(() -> {
          Weft.sleep(Duration.ofMillis(30));
          return "fine";
        }, "jfr-ok", null);
        Task<Object> failing = Weft.createTask(() -> {
          throw new IllegalStateException("boom");
        }, "jfr-fail", null);
        Task<Object> cancelled = Weft.createTask(() -> {
          Weft.sleep(Duration.ofSeconds(30));
          return null;
        }, "jfr-cancel", null);
        Weft.sleep(Duration.ZERO);
        cancelled.cancel();
        assertThat(ok.await()).isEqualTo("fine");
        assertThatThrownBy(failing::await).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cancelled::await).isInstanceOf(CancelledError.class);
        return null;
      }, "jfr-main", null));
    } finally {
      loop.close();
    }
  }

  @Nested
  class Tasks {
    @Test
    void taskCreated_recordsIdNameParentAndWhereItWasCreated() throws IOException {
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, JfrEventsTests::threeOutcomes);
      RecordedEvent main = one(events, WeftEvents.TASK_CREATED, "jfr-main");
      long mainId = main.getLong("taskId");
      assertThat(mainId).isPositive();
      assertThat(main.getLong("parentTaskId")).isZero();
      List<Long> ids = new ArrayList<>();
      for (String name : List.of("jfr-ok", "jfr-fail", "jfr-cancel")) {
        RecordedEvent e = one(events, WeftEvents.TASK_CREATED, name);
        assertThat(e.getLong("parentTaskId")).as(name).isEqualTo(mainId);
        assertThat(e.getInt("loop")).isEqualTo(main.getInt("loop"));
        assertThat(e.getStackTrace()).as("stack of %s", name).isNotNull();
        assertThat(e.getStackTrace().getFrames()).map(f -> f.getMethod().getType().getName())
            .contains(JfrEventsTests.class.getName());
        ids.add(e.getLong("taskId"));
      }
      assertThat(ids).doesNotHaveDuplicates().doesNotContain(mainId);
    }

    @Test
    void taskDone_recordsTheOutcomeTheExceptionAndTheTasksLife() throws IOException {
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, JfrEventsTests::threeOutcomes);
      RecordedEvent ok = one(events, WeftEvents.TASK_DONE, "jfr-ok");
      assertThat(ok.getString("outcome")).isEqualTo("result");
      assertThat(ok.getClass("exceptionClass")).isNull();
      assertThat(ok.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(30)); // it slept 30 ms
      assertThat(ok.getLong("taskId")).isEqualTo(one(events, WeftEvents.TASK_CREATED, "jfr-ok").getLong("taskId"));

      RecordedEvent failed = one(events, WeftEvents.TASK_DONE, "jfr-fail");
      assertThat(failed.getString("outcome")).isEqualTo("exception");
      assertThat(failed.getClass("exceptionClass").getName()).isEqualTo(IllegalStateException.class.getName());
      assertThat(failed.getString("exceptionMessage")).isEqualTo("boom");

      RecordedEvent cancelled = one(events, WeftEvents.TASK_DONE, "jfr-cancel");
      assertThat(cancelled.getString("outcome")).isEqualTo("cancelled");
      assertThat(cancelled.getDuration()).isLessThan(Duration.ofSeconds(30)); // cancelled, not slept out

      assertThat(one(events, WeftEvents.TASK_DONE, "jfr-main").getString("outcome")).isEqualTo("result");
    }

    @Test
    void aTaskCancelledBeforeItsFirstStep_isRecordedAsCancelled() throws IOException {
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        try {
          loop.runUntilComplete(() -> {
            Task<Object> never = Weft.createTask(() -> "never", "jfr-never", null);
            never.cancel();
            assertThatThrownBy(never::await).isInstanceOf(CancelledError.class);
            return null;
          });
        } finally {
          loop.close();
        }
      });
      assertThat(one(events, WeftEvents.TASK_DONE, "jfr-never").getString("outcome")).isEqualTo("cancelled");
    }

    @Test
    void aThresholdOnTaskDone_keepsOnlyLongLivedTasks() throws IOException {
      List<RecordedEvent> events = record(r -> r.enable(WeftEvents.TASK_DONE).withThreshold(Duration.ofSeconds(20)),
          JfrEventsTests::threeOutcomes);
      assertThat(events).isEmpty(); // every task here lives well under 20 s
    }
  }

  @Nested
  class SlowCallbacks {
    @Test
    void aSlowTaskStep_isRecordedWithTheTaskAndWhereItNowIs() throws IOException {
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        loop.setSlowCallbackDuration(Duration.ofMillis(200));
        try {
          loop.runUntilComplete(() -> {
            Task<Object> fast = Weft.createTask(() -> null, "jfr-fast", null);
            Task<Object> slow = Weft.createTask(() -> {
              spin(Duration.ofMillis(500)); // CPU-bound: holds the loop
              Weft.sleep(Duration.ofMillis(1));
              return null;
            }, "jfr-slow", null);
            fast.await();
            slow.await();
            return null;
          });
        } finally {
          loop.close();
        }
      });
      RecordedEvent slow = one(events, WeftEvents.SLOW_CALLBACK, "jfr-slow");
      // Timed with the 1 ms coarse ticker: at least the threshold, whatever the ticker's lag on a loaded machine.
      assertThat(slow.getDuration("elapsed")).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      assertThat(slow.getDuration("threshold")).isEqualTo(Duration.ofMillis(200));
      assertThat(slow.getLong("taskId")).isEqualTo(one(events, WeftEvents.TASK_CREATED, "jfr-slow").getLong("taskId"));
      assertThat(slow.getString("callback")).contains("jfr-slow");
      assertThat(slow.getString("taskStack")).contains(JfrEventsTests.class.getName()).contains("sleep");
      assertThat(named(events, WeftEvents.SLOW_CALLBACK, "jfr-fast")).isEmpty();
    }

    @Test
    void aSlowPlainCallback_isRecordedWithoutATask() throws IOException {
      Runnable slowCallback = () -> spin(Duration.ofMillis(500));
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        loop.setSlowCallbackDuration(Duration.ofMillis(200));
        try {
          loop.runUntilComplete(() -> {
            EventLoop.running().callSoon(slowCallback);
            Weft.sleep(Duration.ofMillis(1));
            return null;
          });
        } finally {
          loop.close();
        }
      });
      List<RecordedEvent> plain = events.stream()
          .filter(e -> e.getEventType().getName().equals(WeftEvents.SLOW_CALLBACK))
          .filter(e -> e.getLong("taskId") == 0).toList();
      assertThat(plain).singleElement().satisfies(e -> {
        assertThat(e.getString("taskName")).isNull();
        assertThat(e.getString("taskStack")).isNull();
        assertThat(e.getString("callback")).isEqualTo(String.valueOf(slowCallback));
        assertThat(e.getDuration("elapsed")).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      });
    }
  }

  @Nested
  class SlowCallbacksInDebugMode {
    @Test
    void theWarningAndTheEvent_bothReportASlowStep() throws IOException {
      List<String> warnings = new CopyOnWriteArrayList<>();
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.builder().debug(true).build();
        loop.setWarningHandler(warnings::add);
        loop.setSlowCallbackDuration(Duration.ofMillis(200));
        try {
          loop.runUntilComplete(loop.createTask(() -> {
            spin(Duration.ofMillis(300));
            return null;
          }, "jfr-debug-slow", null));
        } finally {
          loop.close();
        }
      });
      RecordedEvent slow = one(events, WeftEvents.SLOW_CALLBACK, "jfr-debug-slow");
      assertThat(slow.getDuration("elapsed")).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(warnings).anySatisfy(w -> assertThat(w).contains("jfr-debug-slow").contains("took"));
    }
  }

  @Nested
  class BlockingCalls {
    @Test
    void threadSleepInATask_isRecordedAsABlockingCallWithTheTasksStack() throws IOException {
      Assumptions.assumeTrue(io.weft.internal.Carrier.loopScheduledAvailable());
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.builder().carrier(EventLoop.CarrierChoice.LOOP_SCHEDULED).build();
        try {
          loop.runUntilComplete(loop.createTask(() -> {
            Thread.sleep(20);
            return null;
          }, "jfr-sleeper", null));
        } finally {
          loop.close();
        }
      });
      RecordedEvent e = one(events, WeftEvents.BLOCKING_CALL, "jfr-sleeper");
      assertThat(e.getString("kind")).isEqualTo("blocking call");
      assertThat(e.getString("taskStack")).contains("java.lang.Thread.sleep").contains(JfrEventsTests.class.getName());
      assertThat(e.getLong("taskId")).isPositive();
    }

    @Test
    void aThreadLockHeldByAnotherTask_isRecordedAsAThreadLock() throws IOException {
      Assumptions.assumeTrue(io.weft.internal.Carrier.loopScheduledAvailable());
      java.util.concurrent.locks.ReentrantLock threadLock = new java.util.concurrent.locks.ReentrantLock();
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.builder().carrier(EventLoop.CarrierChoice.LOOP_SCHEDULED).build();
        try {
          loop.runUntilComplete(() -> {
            Task<Void> holder = Weft.createTask(() -> {
              threadLock.lock();
              try {
                Weft.sleep(Duration.ofMillis(50));
              } finally {
                threadLock.unlock();
              }
            });
            Weft.sleep(Duration.ZERO);
            Task<Object> waiter = Weft.createTask(() -> {
              threadLock.lock();
              threadLock.unlock();
              return null;
            }, "jfr-waiter", null);
            holder.await();
            waiter.await();
            return null;
          });
        } finally {
          loop.close();
        }
      });
      assertThat(named(events, WeftEvents.BLOCKING_CALL, "jfr-waiter"))
          .anySatisfy(e -> assertThat(e.getString("kind")).isEqualTo("thread lock"));
    }
  }

  @Nested
  class TransportErrors {
    @Test
    void aConnectionResetByThePeer_isRecordedWithTheAddressesAndTheError() throws Exception {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        Thread resetter = Thread.ofPlatform().daemon().start(() -> {
          try (Socket s = server.accept()) {
            connected.await(); // the client's connect has completed: now reset the connection
            s.setSoLinger(true, 0); // close with RST
          } catch (IOException | InterruptedException e) {
            // the client's read then fails on its own and the assertion below says so
          }
        });
        List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
          EventLoop loop = EventLoop.create();
          try {
            loop.runUntilComplete(() -> {
              Streams.Pair p = Streams.openConnection(server.getInetAddress().getHostAddress(), server.getLocalPort());
              connected.countDown();
              assertThatThrownBy(() -> p.reader().read(100)).isInstanceOf(IOException.class);
              p.writer().close();
              return null;
            });
          } finally {
            loop.close();
          }
        });
        resetter.join(10_000);
        List<RecordedEvent> errors = events.stream()
            .filter(e -> e.getEventType().getName().equals(WeftEvents.TRANSPORT_ERROR))
            .filter(e -> e.getString("remoteAddress").endsWith(":" + server.getLocalPort())).toList();
        assertThat(errors).singleElement().satisfies(e -> {
          assertThat(e.getString("transport")).isEqualTo("stream");
          assertThat(e.getString("operation")).isEqualTo("read");
          assertThat(e.getString("localAddress")).isNotNull();
          assertThat(IOException.class.isAssignableFrom(Class.forName(e.getClass("exceptionClass").getName())))
              .isTrue();
          assertThat(e.getString("exceptionMessage")).containsIgnoringCase("reset");
        });
      }
    }
  }

  @Nested
  class FailuresBeforeAProtocolHasTheConnection {

    /** The weft.TransportError events of {@code transport} whose remote address ends with {@code :port}. */
    private static List<RecordedEvent> errors(List<RecordedEvent> events, String transport, String address,
        boolean remote) {
      return events.stream().filter(e -> e.getEventType().getName().equals(WeftEvents.TRANSPORT_ERROR))
          .filter(e -> e.getString("transport").equals(transport))
          .filter(e -> address.equals(String.valueOf(e.getString(remote ? "remoteAddress" : "localAddress"))))
          .toList();
    }

    @Test
    void aConnectRefusedEverywhere_isRecordedOnce_withTheAddressAndTheErrorItsCallerGets() throws Exception {
      int port;
      try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = closed.getLocalPort(); // nothing listens there once closed
      }
      List<Throwable> raised = new ArrayList<>();
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        try {
          loop.runUntilComplete(() -> {
            try {
              Net.createConnection(() -> new Protocol() { }, "127.0.0.1", port);
            } catch (IOException e) {
              raised.add(e);
            }
            return null;
          });
        } finally {
          loop.close();
        }
      });
      assertThat(raised).singleElement().isInstanceOf(java.net.ConnectException.class);
      assertThat(errors(events, "stream", "/127.0.0.1:" + port, true)).singleElement().satisfies(e -> {
        assertThat(e.getString("operation")).isEqualTo("connect");
        assertThat(e.getString("localAddress")).as("no local address was asked for").isNull();
        assertThat(e.getClass("exceptionClass").getName()).isEqualTo(java.net.ConnectException.class.getName());
        assertThat(e.getString("exceptionMessage")).isEqualTo(raised.get(0).getMessage());
      });
    }

    @Test
    void anAcceptThatFails_isRecordedWithTheListenersAddress_andTheServerAcceptsAgainLater() throws Exception {
      VirtualClock clock = new VirtualClock();
      VirtualPoller poller = new VirtualPoller(clock);
      SimNetwork sim = new SimNetwork(poller);
      FailingAccepts network = new FailingAccepts(sim, 1);
      List<ExceptionContext> handled = new CopyOnWriteArrayList<>();
      List<Object> listening = new ArrayList<>();
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.builder().clock(clock).poller(poller).network(network).build();
        loop.setExceptionHandler((l, c) -> handled.add(c));
        try {
          loop.runUntilComplete(() -> {
            List<Protocol> accepted = new ArrayList<>();
            Server server = Net.createServer(() -> {
              Protocol p = new Protocol() { };
              accepted.add(p);
              return p;
            }, "127.0.0.1", 0);
            listening.add(server.sockets().get(0).localAddress());
            Net.Connection<Protocol> c = Net.createConnection(() -> new Protocol() { }, "127.0.0.1",
                ((java.net.InetSocketAddress) server.sockets().get(0).localAddress()).getPort());
            Weft.sleep(Duration.ofMillis(10));
            assertThat(accepted).as("the first accept failed").isEmpty();
            Weft.sleep(Duration.ofSeconds(2)); // past asyncio's ACCEPT_RETRY_DELAY
            assertThat(accepted).as("accepted on the retry").hasSize(1);
            c.transport().close();
            server.close();
            server.abortClients();
            server.waitClosed();
            return null;
          });
        } finally {
          loop.close();
        }
      });
      assertThat(network.failed).isEqualTo(1);
      assertThat(handled).singleElement()
          .satisfies(c -> assertThat(c.message()).isEqualTo("socket.accept() out of system resource"));
      assertThat(errors(events, "stream", String.valueOf(listening.get(0)), false)).singleElement().satisfies(e -> {
        assertThat(e.getString("operation")).isEqualTo("accept");
        assertThat(e.getString("remoteAddress")).isNull();
        assertThat(e.getString("exceptionMessage")).isEqualTo("Too many open files");
      });
    }

    @Test
    void aTlsHandshakeThatFails_isRecordedAsTheTlsLayersError() throws Exception {
      List<Throwable> raised = new ArrayList<>();
      int[] port = new int[1];
      List<RecordedEvent> events = record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        try {
          loop.runUntilComplete(() -> {
            Server plain = Net.createServer(() -> new Protocol() {
              @Override
              public void connectionMade(Transport transport) {
                transport.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
              }
            }, "127.0.0.1", 0);
            port[0] = ((java.net.InetSocketAddress) plain.sockets().get(0).localAddress()).getPort();
            try {
              Tls.createConnection(() -> new Protocol() { }, "127.0.0.1", port[0],
                  TlsOptions.client(javax.net.ssl.SSLContext.getDefault()));
            } catch (IOException e) {
              raised.add(e);
            }
            plain.close();
            plain.abortClients();
            plain.waitClosed();
            return null;
          });
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          loop.close();
        }
      });
      assertThat(raised).singleElement().isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
      assertThat(errors(events, "tls", "/127.0.0.1:" + port[0], true)).singleElement().satisfies(e -> {
        assertThat(e.getString("operation")).isEqualTo("handshake");
        assertThat(e.getString("localAddress")).startsWith("/127.0.0.1:");
        assertThat(javax.net.ssl.SSLException.class.isAssignableFrom(
            Class.forName(e.getClass("exceptionClass").getName()))).isTrue();
        assertThat(e.getString("exceptionMessage")).contains("plaintext connection?");
      });
    }
  }

  /** A network whose listening sockets fail their first {@code failures} accepts with "Too many open files". */
  private static final class FailingAccepts implements Network {
    private final Network inner;
    private int failures;
    int failed;

    FailingAccepts(Network inner, int failures) {
      this.inner = inner;
      this.failures = failures;
    }

    @Override
    public StreamSocket connect(SocketAddress remote, SocketAddress local) throws IOException {
      return inner.connect(remote, local);
    }

    @Override
    public ListenSocket listen(SocketAddress local, int backlog, boolean reuseAddress, boolean reusePort)
        throws IOException {
      ListenSocket real = inner.listen(local, backlog, reuseAddress, reusePort);
      return (ListenSocket) Proxy.newProxyInstance(ListenSocket.class.getClassLoader(),
          new Class<?>[] {ListenSocket.class}, (proxy, method, args) -> {
            if (method.getName().equals("equals")) {
              return proxy == args[0]; // the server finds its socket in its own list
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            if (method.getName().equals("accept") && failures > 0) {
              failures--;
              failed++;
              throw new IOException("Too many open files");
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public DatagramSocket openDatagram(SocketAddress local, SocketAddress remote, boolean broadcast)
        throws IOException {
      return inner.openDatagram(local, remote, broadcast);
    }

    @Override
    public List<java.net.InetSocketAddress> resolve(String host, int port) throws java.net.UnknownHostException {
      return inner.resolve(host, port);
    }

    @Override
    public boolean resolvesWithoutBlocking() {
      return inner.resolvesWithoutBlocking();
    }
  }

  @Nested
  class Settings {
    @Test
    void withTheEventsDisabled_nothingIsRecorded() throws IOException {
      List<RecordedEvent> events = record(r -> {
        for (String name : ALL) {
          r.disable(name);
        }
        r.disable(WeftEvents.WRITER_SYNC);
      }, () -> {
        threeOutcomes();
        EventLoop loop = EventLoop.create();
        loop.setSlowCallbackDuration(Duration.ZERO); // every callback would be slow
        try {
          loop.runUntilComplete(() -> null);
        } finally {
          loop.close();
        }
      });
      assertThat(events).isEmpty();
    }

    @Test
    void withoutARecording_everyCheckSaysOff() {
      Assumptions.assumeTrue(jdk.jfr.FlightRecorder.isInitialized() == false
          || jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().stream()
              .noneMatch(r -> r.getState() == jdk.jfr.RecordingState.RUNNING),
          "another recording is running in this JVM");
      assertThat(WeftEvents.taskEventsEnabled()).isFalse();
      assertThat(WeftEvents.slowCallbackEnabled()).isFalse();
      assertThat(WeftEvents.blockingCallEnabled()).isFalse();
      assertThat(WeftEvents.transportErrorEnabled()).isFalse();
    }

    @Test
    void theDefaultSettings_recordTheRareEvents_butNotOneEventPerTask() throws Exception {
      List<RecordedEvent> events = record(new Recording(Configuration.getConfiguration("default")), r -> {}, () -> {
        threeOutcomes();
        EventLoop loop = EventLoop.create();
        loop.setSlowCallbackDuration(Duration.ofMillis(50));
        try {
          loop.runUntilComplete(loop.createTask(() -> {
            spin(Duration.ofMillis(100));
            return null;
          }, "jfr-default-slow", null));
        } finally {
          loop.close();
        }
      });
      assertThat(events).noneMatch(e -> e.getEventType().getName().equals(WeftEvents.TASK_CREATED)
          || e.getEventType().getName().equals(WeftEvents.TASK_DONE));
      assertThat(named(events, WeftEvents.SLOW_CALLBACK, "jfr-default-slow")).hasSize(1);
    }

    @Test
    void theCoarseTicker_runsWhileARecordingWantsSlowCallbacks_andStopsAfter() throws Exception {
      boolean[] tickingDuring = {false};
      record(JfrEventsTests::enableAll, () -> {
        EventLoop loop = EventLoop.create();
        try {
          loop.runUntilComplete(() -> null);
          tickingDuring[0] = tickerAlive();
        } finally {
          loop.close();
        }
      });
      assertThat(tickingDuring[0]).as("the ticker runs while weft.SlowCallback is recorded").isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tickerAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(tickerAlive()).as("the ticker exits once no recording wants the event").isFalse();
    }

    private static boolean tickerAlive() {
      return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("weft-jfr-ticker"));
    }

    @Test
    void everyEventType_isNamedLabelledDescribedAndInTheWeftCategory() {
      List<EventType> types = List.of(EventType.getEventType(TaskCreatedEvent.class),
          EventType.getEventType(TaskDoneEvent.class), EventType.getEventType(SlowCallbackEvent.class),
          EventType.getEventType(BlockingCallEvent.class), EventType.getEventType(TransportErrorEvent.class),
          EventType.getEventType(WriterSyncEvent.class));
      List<String> names = new ArrayList<>(ALL);
      names.add(WeftEvents.WRITER_SYNC);
      assertThat(types).map(EventType::getName).containsExactlyElementsOf(names);
      for (EventType t : types) {
        assertThat(t.getCategoryNames()).as(t.getName()).containsExactly("Weft");
        assertThat(t.getLabel()).as(t.getName()).isNotBlank();
        assertThat(t.getDescription()).as(t.getName()).isNotBlank();
        t.getFields().forEach(f -> assertThat(f.getLabel()).as(t.getName() + "." + f.getName()).isNotBlank());
      }
    }
  }
}
