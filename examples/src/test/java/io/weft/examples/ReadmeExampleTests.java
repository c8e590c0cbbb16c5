package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.AsyncGenerator;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.Streams;
import io.weft.net.tls.Tls;
import io.weft.net.tls.TlsOptions;
import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import static java.nio.charset.StandardCharsets.UTF_8;
import io.weft.Task;
import io.weft.TimeoutError;
import io.weft.Weft;
import io.weft.sync.Lock;
import io.weft.sync.Queue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.weft.examples.bank.AuditLog;
import io.weft.examples.bank.Bank;
import io.weft.examples.bank.Payday;
import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.spi.VirtualClock;
import io.weft.testengine.AsyncAfterEach;
import io.weft.testengine.AsyncArguments;
import io.weft.testengine.AsyncBeforeEach;
import io.weft.testengine.AsyncTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's code, compiled and run, so the README cannot rot.
 *
 * <p>The body of {@link #readmeQuickStart()} is, verbatim, the quick-start block of the README; change both
 * together.
 */
class ReadmeExampleTests {

  /** The README's quick start, verbatim. */
  static void readmeQuickStart() {
    List<String> breakfast = Weft.run(() -> {
      // Three tasks start at once; each runs until its first await, then the loop runs the others.
      Task<String> tea = Weft.createTask(() -> {
        Weft.sleep(Duration.ofMillis(30));
        return "tea";
      });
      Task<String> toast = Weft.createTask(() -> {
        Weft.sleep(Duration.ofMillis(10));
        return "toast";
      });
      Task<String> eggs = Weft.createTask(() -> {
        Weft.sleep(Duration.ofSeconds(10));
        return "eggs";
      });

      // Await them in order: toast is ready first, but results keep the order asked for.
      List<String> served = new ArrayList<>();
      for (Task<String> t : List.of(tea, toast)) {
        served.add(t.await());
      }

      // Eggs are too slow: cancellation reaches the task at its await, as a CancelledError.
      eggs.cancel("no time for eggs");
      try {
        served.add(eggs.await());
      } catch (CancelledError e) {
        served.add("no eggs: " + e.getMessage());
      }
      return served;
    });
    System.out.println(breakfast); // [tea, toast, no eggs: no time for eggs]
  }

  /** The README's virtual-time example, verbatim. */
  static double readmeVirtualTime() {
    EventLoop loop = EventLoop.createVirtual();          // VirtualClock at 0, auto-advancing, and a VirtualPoller
    loop.runUntilComplete(() -> Weft.sleep(Duration.ofHours(1), "done"));   // returns at once
    loop.time();                                           // 3600.0
    double t = loop.time();
    loop.close();
    return t;
  }

  /** The README's @AsyncTest example, verbatim: it runs with the other tests, 2,000 schedules. */
  @Nested
  class ReadmeAsyncTest {
    @AsyncTest(schedules = 2000)
    void payday_neverCreatesMoney(EventLoop loop, VirtualClock clock) {
      try (AuditLog audit = new AuditLog()) {        // starts its writer task on the simulated loop
        Bank bank = new Bank(audit);
        bank.open("alice", 100);
        bank.open("landlord", 0);
        bank.open("shop", 0);
        Task<Boolean> card = Weft.createTask(() -> {
          Weft.sleep(Duration.ofNanos(200_000));     // virtual time: the 0.2 ms pass at once
          return bank.transfer("alice", "shop", 60);
        });
        Task<Boolean> rent = Weft.createTask(() -> bank.transfer("alice", "landlord", 80));
        boolean rentPaid = rent.await();
        boolean cardPaid = card.await();
        assertThat(rentPaid && cardPaid).isFalse();     // Alice has 100: not both
        assertThat(bank.total()).isEqualTo(100);
        assertThat(clock.nanoTime()).isBetween(200_000L, 1_200_000L);   // 0.2 ms, plus up to 1 ms of timer jitter
      }
    }
  }

  /** The README's setup-and-arguments example, verbatim: 2 argument sets x 300 schedules. */
  @Nested
  class AuditedTransfersTests {
    AuditLog audit;                                  // each run gets a fresh instance, so a fresh log

    @AsyncBeforeEach
    void openAudit() {
      audit = new AuditLog();                        // its writer task starts on this run's simulated loop
    }

    @AsyncAfterEach
    void closeAudit() {
      audit.close();                                 // and stops there, before the leak check
    }

    static Stream<Object[]> bills() {
      return Stream.of(new Object[] {80, 60}, new Object[] {30, 50});
    }

    @AsyncTest(schedules = 300)
    @AsyncArguments("bills")                         // every (rent, card) pair under every schedule
    void twoBills_neverOverdraw(int rent, int card) {
      Bank bank = new Bank(audit);
      bank.open("alice", 100);
      bank.open("landlord", 0);
      bank.open("shop", 0);
      Task<Boolean> paid = Weft.createTask(() -> bank.transfer("alice", "shop", card));
      bank.transfer("alice", "landlord", rent);
      paid.await();
      assertThat(bank.balance("alice")).isNotNegative();
      assertThat(bank.total()).isEqualTo(100);
    }
  }

  /** The README's echo over transports and protocols, verbatim (loopback, an ephemeral port). */
  static String readmeEcho() {
    String reply = Weft.run(() -> {
      Server server = Net.createServer(() -> new Protocol() {
        Transport transport;
        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void dataReceived(byte[] data) { transport.write(data); }   // echo
      }, "127.0.0.1", 0);                                                              // 0: any free port
      int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    
      Future<String> received = Weft.getRunningLoop().createFuture();
      Net.Connection<Protocol> c = Net.createConnection(() -> new Protocol() {
        @Override public void dataReceived(byte[] data) { received.setResult(new String(data, UTF_8)); }
      }, "127.0.0.1", port);
      c.transport().write("hello".getBytes(UTF_8));
      String answer = received.await();
      c.transport().close();
      server.close();
      server.waitClosed();
      return answer;                                                                 // "hello"
    });
    return reply;
  }

  @Test
  @Timeout(30)
  void readmeEcho_theServerEchoesTheClientsBytes() {
    assertThat(readmeEcho()).isEqualTo("hello");
  }

  /** The README's TLS echo, verbatim, with contexts for a certificate made by keytool (see {@link #tlsContexts}). */
  static String readmeTls(SSLContext serverContext, SSLContext clientContext) {
    String reply = Weft.run(() -> {
      Server server = Tls.startServer((reader, writer) -> {
        writer.write(reader.readLine());                                       // echo one line
        writer.close();                                                        // close_notify, then FIN
      }, "127.0.0.1", 0, TlsOptions.server(serverContext));
      int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();

      Streams.Pair c = Tls.openConnection("127.0.0.1", port, TlsOptions.client(clientContext));
      c.writer().write("hello\n".getBytes(UTF_8));
      String answer = new String(c.reader().readLine(), UTF_8).trim() + " over " + c.writer().getExtraInfo("protocol");
      c.writer().close();
      server.close();
      server.waitClosed();
      return answer;                                                           // "hello over TLSv1.3"
    });
    return reply;
  }

  /** A server context for a fresh RSA certificate for 127.0.0.1 (made by the JDK's keytool) and one trusting it. */
  static SSLContext[] tlsContexts() throws Exception {
    char[] password = "readme".toCharArray();
    Path dir = Files.createTempDirectory("weft-readme-tls");
    Path store = dir.resolve("keys.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "readme", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(password), "-keypass", new String(password)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = Files.newInputStream(store)) {
      keys.load(in, password);
    }
    Files.delete(store);
    Files.delete(dir);
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    return new SSLContext[] {server, client};
  }

  @Test
  @Timeout(60)
  void readmeTls_echoesALineOverTls13() throws Exception {
    SSLContext[] contexts = tlsContexts();
    assertThat(readmeTls(contexts[0], contexts[1])).isEqualTo("hello over TLSv1.3");
  }

  /** The README's simulation example, verbatim; returns passed, and whether the replay had the same trace. */
  static boolean[] readmeSimulation() {
    SimResult<Void> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", 1), () -> {
      Payday.racy();                                   // the racy bank's scenario
      return null;
    });
    r.passed();                                        // false: money appeared
    r.replay();                                        // weft:1:FAITHFUL:REPLAY:...: replays this exact run
    boolean same = Simulation.run(r.replay(), () -> { Payday.racy(); return null; }).traceHash() == r.traceHash();
    return new boolean[] {r.passed(), same};
  }

  @Test
  void readmeSimulation_seedOneFindsTheRace_andItsReplayHasTheSameTrace() {
    assertThat(readmeSimulation()).containsExactly(false, true);
  }

  /** The README's queue-and-lock example, verbatim. */
  static int readmeQueueAndLock() {
    int total = Weft.run(() -> {
      Queue<Integer> jobs = new Queue<>(2);            // put() waits while 2 items are queued: backpressure
      Lock lock = new Lock();
      int[] sum = {0};
      List<Task<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        workers.add(Weft.createTask(() -> {
          while (true) {
            int job = jobs.get();
            try (Lock.Held held = lock.hold()) {       // released even if the body throws or is cancelled
              sum[0] += job;
            }
            jobs.taskDone();
          }
        }));
      }
      for (int i = 1; i <= 10; i++) {
        jobs.put(i);
      }
      jobs.join();                                     // every job got and marked done
      for (Task<Void> t : workers) {
        t.cancel();
      }
      return sum[0];
    });
    // total == 55
    return total;
  }

  @Test
  void readmeQueueAndLock_sumsEveryJobOnce() {
    assertThat(readmeQueueAndLock()).isEqualTo(55);
  }

  /** The README's task-toolkit example, verbatim. */
  static String readmeToolkit() {
    String summary = Weft.run(() -> {
      List<Integer> sizes = Weft.taskGroup(tg -> {
        Task<Integer> a = tg.createTask(() -> Weft.sleep(Duration.ofMillis(20), 3));
        Task<Integer> b = tg.createTask(() -> Weft.sleep(Duration.ofMillis(10), 4));
        return List.of(a.await(), b.await());
      });
      List<Integer> both = Weft.gather(
          Weft.createTask(() -> Weft.sleep(Duration.ofMillis(5), 1)),
          Weft.createTask(() -> Weft.sleep(Duration.ofMillis(1), 2))).await();
      String slow;
      try {
        slow = Weft.timeout(Duration.ofMillis(50), cm -> Weft.sleep(Duration.ofSeconds(5), "finished"));
      } catch (TimeoutError e) {
        slow = "timed out";
      }
      return sizes + " " + both + " " + slow;
    });
    // summary == "[3, 4] [1, 2] timed out"
    return summary;
  }

  @Test
  void readmeToolkit_taskGroupGatherAndTimeout() {
    assertThat(readmeToolkit()).isEqualTo("[3, 4] [1, 2] timed out");
  }

  /** The README's async-generator example, verbatim. */
  static List<Integer> readmeAsyncGenerator() {
    List<Integer> firstThree = Weft.run(() -> {
      List<Integer> got = new ArrayList<>();
      try (AsyncGenerator<Integer> ticks = AsyncGenerator.of(out -> {
        for (int i = 0; ; i++) {
          Weft.sleep(Duration.ofMillis(1));
          out.yield(i);
        }
      })) {
        for (int tick : ticks) {
          if (tick == 3) {
            break;
          }
          got.add(tick);
        }
      }
      return got;
    });
    // firstThree == [0, 1, 2]
    return firstThree;
  }

  @Test
  void readmeAsyncGenerator_takesThreeTicks_andClosesTheGenerator() {
    assertThat(readmeAsyncGenerator()).containsExactly(0, 1, 2);
  }

  @Test
  void readmeVirtualTime_sleepsAnHourOfVirtualTimeAtOnce() {
    assertThat(readmeVirtualTime()).isEqualTo(3600.0);
  }

  @Test
  void everyJavaBlockOfTheReadme_appearsVerbatimInThisFile() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    // This file and every other Readme*Tests.java beside it (one per README topic) hold the README's code.
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(Path.of("src/test/java/io/weft/examples"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches("Readme.*Tests\\.java")).sorted().toList()) {
        all.append(Files.readString(f)).append('\n');
      }
    }
    String normalizedSelf = normalize(all.toString());
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      for (String line : m.group(1).split("\\n")) {
        assertThat(normalizedSelf).as("README line must be in ReadmeExampleTests or another Readme*Tests: %s", line).contains(line.strip());
      }
    }
    assertThat(blocks).isGreaterThanOrEqualTo(2);
  }

  private static String normalize(String s) {
    return s.lines().map(String::strip).reduce("", (a, b) -> a + "\n" + b);
  }

  @Test
  @Timeout(30)
  void readmeQuickStart_printsResultsInArgumentOrder_andTheCaughtCancellation() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      readmeQuickStart();
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly("[tea, toast, no eggs: no time for eggs]");
  }

}
