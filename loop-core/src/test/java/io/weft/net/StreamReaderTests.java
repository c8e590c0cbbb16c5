package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StreamReader} fed by hand on a virtual loop: asyncio's ST cases that need no network. */
class StreamReaderTests {

  final EventLoop loop = EventLoop.createVirtual();

  @AfterEach
  void close() {
    loop.close();
  }

  interface Body {
    void run() throws Exception;
  }

  void run(Body body) {
    loop.runUntilComplete(() -> {
      body.run();
      return null;
    });
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void basics_readZero_readUpToN_readToEof_atEof() {
    assertThatThrownBy(() -> run(() -> new StreamReader(0))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("line1\nline2\n"));
      assertThat(r.read(0)).isEmpty();
      assertThat(s(r.read(3))).isEqualTo("lin");
      assertThat(r.atEof()).isFalse();
      r.feedEof();
      assertThat(r.atEof()).isFalse();
      assertThat(s(r.read(-1))).isEqualTo("e1\nline2\n");
      assertThat(r.atEof()).isTrue();
      assertThat(r.read(5)).isEmpty();
    });
  }

  @Test
  void readAndReadExactly_areNotBoundedByTheLimit() {
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("chunkchunk"));
      assertThat(s(r.read(5))).isEqualTo("chunk");
      assertThat(s(r.readExactly(5))).isEqualTo("chunk");
    });
  }

  @Test
  void readLine_overTheLimit_withTheSeparatorBuffered_dropsTheLine_andKeepsTheRest() {
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("line1\nline2\n"));
      assertThatThrownBy(r::readLine).isInstanceOf(IllegalArgumentException.class);
      assertThat(s(r.read(100))).isEqualTo("line2\n");
    });
  }

  @Test
  void readLine_limitAppliesToTheLineWithoutItsSeparator() {
    run(() -> {
      StreamReader r = new StreamReader(7);
      r.feedData(b("1234567\n12345678\nrest"));
      assertThat(s(r.readLine())).isEqualTo("1234567\n");
      assertThatThrownBy(r::readLine).isInstanceOf(IllegalArgumentException.class);
      r.feedEof();
      assertThat(s(r.readLine())).isEqualTo("rest");
    });
  }

  @Test
  void readUntil_atEofWithoutTheSeparator_isIncomplete_withAllTheData_andEmptiesTheBuffer() {
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("no separator"));
      r.feedEof();
      assertThatThrownBy(() -> r.readUntil(b("\n"))).isInstanceOf(IncompleteReadError.class)
          .hasMessageContaining("undefined expected bytes")
          .satisfies(e -> assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("no separator"));
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void readUntil_overTheLimit_leavesTheDataInTheBuffer_sayingFoundOrNot() {
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("abcdef"));
      assertThatThrownBy(() -> r.readUntil(b("!"))).isInstanceOf(LimitOverrunError.class)
          .hasMessageContaining("not found");
      r.feedData(b("!"));
      assertThatThrownBy(() -> r.readUntil(b("!"))).isInstanceOf(LimitOverrunError.class)
          .hasMessageContaining("is found")
          .satisfies(e -> assertThat(((LimitOverrunError) e).consumed()).isEqualTo(6));
      assertThat(s(r.read(100))).as("nothing lost").isEqualTo("abcdef!");
    });
  }

  @Test
  void readUntil_withSeveralSeparators_theShortestMatchWins_andAnEmptyOneIsRefused() {
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("ab\r\ncd\n"));
      assertThat(s(r.readUntil(List.of(b("\n"), b("\r\n"))))).isEqualTo("ab\r\n");
      assertThat(s(r.readUntil(List.of(b("\r\n"), b("\n"))))).isEqualTo("cd\n");
      assertThatThrownBy(() -> r.readUntil(b(""))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("one-byte");
    });
  }

  @Test
  void readUntil_separatorsEndingAtTheSamePlace_theShorterOneDecides_whateverTheOrderGiven() {
    // asyncio sorts a tuple of separators by length, so among matches ending at the same byte the shortest one
    // decides where the chunk starts, which the limit is checked against.
    for (List<byte[]> separators : List.of(List.of(b("ab"), b("b")), List.of(b("b"), b("ab")))) {
      run(() -> {
        StreamReader r = new StreamReader(1);
        r.feedData(b("xab"));
        assertThatThrownBy(() -> r.readUntil(separators)).isInstanceOf(LimitOverrunError.class)
            .hasMessageContaining("Separator is found")
            .satisfies(e -> assertThat(((LimitOverrunError) e).consumed()).isEqualTo(2));
        assertThat(s(r.read(3))).as("a refused read loses nothing").isEqualTo("xab");
      });
    }
  }

  @Test
  void readUntil_withSeveralSeparators_agreesWithCPython313_onATableOfCases() {
    // data | separators (comma-separated) | limit | what CPython 3.13.0's readuntil(tuple) gave, then read() of the rest
    String[][] table = {
        {"ab\r\ncd", "\n,\r\n", "100", "ok ab\r\n", "cd"},
        {"xab", "ab,b", "1", "limit found 2", "xab"},
        {"xab", "b,ab", "1", "limit found 2", "xab"},
        {"abcdefgh", "x,yz", "3", "limit not found 7", "abcdefgh"},
        {"abcdefgh", "h", "3", "limit found 7", "abcdefgh"},
        {"abc\ndef", "c,\n", "5", "ok abc", "\ndef"},
        {"aaaa", "aa,aaa", "10", "ok aa", "aa"},
        {"12345", "45,345,5", "2", "limit found 4", "12345"},
        {"12345", "45,345,5", "3", "limit found 4", "12345"},
        {"12345", "45,345,5", "4", "ok 12345", ""},
        {"abcde", "cd,bcdx", "1", "limit found 2", "abcde"},
        {"abcdefghij", "zz,zzz", "7", "limit not found 8", "abcdefghij"},
        {"abcdefghij", "zz,zzz", "8", "incomplete abcdefghij", ""},
    };
    for (String[] row : table) {
      run(() -> {
        StreamReader r = new StreamReader(Integer.parseInt(row[2]));
        r.feedData(b(row[0]));
        r.feedEof();
        List<byte[]> separators = java.util.Arrays.stream(row[1].split(",")).map(StreamReaderTests::b).toList();
        String outcome;
        try {
          outcome = "ok " + s(r.readUntil(separators));
        } catch (LimitOverrunError e) {
          outcome = "limit " + (e.getMessage().contains("is found") ? "found " : "not found ") + e.consumed();
        } catch (IncompleteReadError e) {
          outcome = "incomplete " + s(e.partial());
        }
        assertThat(outcome).as(row[0] + " until " + row[1] + " within " + row[2]).isEqualTo(row[3]);
        assertThat(s(r.read(-1))).as("what is left").isEqualTo(row[4]);
      });
    }
  }

  @Test
  void readExactly_negative_isRefused_andEofFirst_givesThePartialBytes() {
    run(() -> {
      StreamReader r = new StreamReader();
      assertThatThrownBy(() -> r.readExactly(-1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      r.feedData(b("abc"));
      r.feedEof();
      assertThatThrownBy(() -> r.readExactly(5)).isInstanceOf(IncompleteReadError.class)
          .satisfies(e -> {
            assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("abc");
            assertThat(((IncompleteReadError) e).expected()).isEqualTo(5);
          });
    });
  }

  @Test
  void aReadWaits_forData_andASecondReaderMeanwhile_isRefused_andAnExceptionReachesTheWaiter() {
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> first = Weft.createTask(r::readLine);
      Weft.sleep(Duration.ZERO);
      assertThatThrownBy(r::readLine).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already waiting");
      r.feedData(b("hi\n"));
      assertThat(s(first.await())).isEqualTo("hi\n");

      Task<byte[]> waiting = Weft.createTask(() -> r.read(10));
      Weft.sleep(Duration.ZERO);
      RuntimeException boom = new IllegalStateException("boom");
      r.setException(boom);
      assertThatThrownBy(waiting::await).isSameAs(boom);
      assertThatThrownBy(() -> r.read(1)).isSameAs(boom);
      assertThat(r.exception()).isSameAs(boom);
    });
  }

  @Test
  void readUntil_withNoSeparators_isRefusedNamingIt_andNothingIsRead() {
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("abc\n"));
      assertThatThrownBy(() -> r.readUntil(List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator").hasMessageContaining("at least one element");
      assertThatThrownBy(() -> r.readUntil(List.of(b("\n"), b("")))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator").hasMessageContaining("one-byte");
      assertThat(s(r.read(10))).as("a rejected read loses nothing").isEqualTo("abc\n");
    });
  }

  @Test
  void readLine_atEof_returnsThePartialLine_thenEmpty() {
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("whole\npart"));
      r.feedEof();
      assertThat(s(r.readLine())).isEqualTo("whole\n");
      assertThat(s(r.readLine())).isEqualTo("part");
      assertThat(r.readLine()).isEmpty();
    });
  }

  @Test
  void readUntil_overTheLimit_thenReadToEof_getsEveryByte() {
    run(() -> {
      StreamReader r = new StreamReader(4);
      r.feedData(b("0123456789\nrest"));
      r.feedEof();
      assertThatThrownBy(() -> r.readUntil(b("\n"))).isInstanceOf(LimitOverrunError.class);
      assertThat(s(r.read(-1))).as("a rejected read loses nothing").isEqualTo("0123456789\nrest");
    });
  }

  @Test
  void anErrorMidReadExactly_isIncomplete_withThePartialBytes_causedByTheError_thenTheErrorItself() {
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.readExactly(10));
      Weft.sleep(Duration.ZERO);
      r.feedData(b("abc"));
      Weft.sleep(Duration.ZERO);
      java.net.SocketException reset = new java.net.SocketException("Connection reset");
      r.setException(reset);
      assertThatThrownBy(reading::await).isInstanceOf(IncompleteReadError.class).hasCause(reset)
          .satisfies(e -> {
            assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("abc");
            assertThat(((IncompleteReadError) e).expected()).isEqualTo(10);
          });
      assertThatThrownBy(() -> r.readExactly(10)).isSameAs(reset);
      assertThatThrownBy(() -> r.read(1)).isSameAs(reset);

      StreamReader buffered = new StreamReader();
      buffered.feedData(b("xy"));
      buffered.setException(reset);
      assertThatThrownBy(() -> buffered.readExactly(5)).isInstanceOf(IncompleteReadError.class)
          .hasCause(reset).satisfies(e -> assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("xy"));

      StreamReader enough = new StreamReader();
      enough.feedData(b("xyz"));
      enough.setException(reset);
      assertThatThrownBy(() -> enough.readExactly(0)).isSameAs(reset);
      assertThatThrownBy(() -> enough.readExactly(2)).isSameAs(reset);
      assertThat(enough).hasToString("<StreamReader 3 bytes exception=" + reset + ">");
    });
  }

  @Test
  void forEachLine_isAsyncFor_untilEof_waitingForEachLine() {
    run(() -> {
      StreamReader r = new StreamReader();
      Task<List<String>> reading = Weft.createTask(() -> {
        List<String> got = new java.util.ArrayList<>();
        for (byte[] line : r) {
          got.add(s(line));
        }
        return got;
      });
      r.feedData(b("one\ntw"));
      Weft.sleep(Duration.ZERO);
      r.feedData(b("o\nthree"));
      Weft.sleep(Duration.ZERO);
      assertThat(reading.isDone()).isFalse();
      r.feedEof();
      assertThat(reading.await()).containsExactly("one\n", "two\n", "three");
      java.util.Iterator<byte[]> after = r.iterator();
      assertThat(after.hasNext()).isFalse();
      assertThatThrownBy(after::next).isInstanceOf(java.util.NoSuchElementException.class);
    });
  }

  @Test
  void forEachLine_aLineOverTheLimit_raisesFromTheLoop() {
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("ok\ntoolong\nfin\n"));
      r.feedEof();
      List<String> got = new java.util.ArrayList<>();
      assertThatThrownBy(() -> {
        for (byte[] line : r) {
          got.add(s(line));
        }
      }).isInstanceOf(IllegalArgumentException.class);
      assertThat(got).containsExactly("ok\n");
      assertThat(s(r.readLine())).isEqualTo("fin\n");
    });
  }

  @Test
  void theErrors_keepTheirFields_throughSerialization() throws Exception {
    IncompleteReadError incomplete = roundTrip(new IncompleteReadError(b("abc"), 10));
    assertThat(s(incomplete.partial())).isEqualTo("abc");
    assertThat(incomplete.expected()).isEqualTo(10);
    assertThat(incomplete).hasMessage("3 bytes read on a total of 10 expected bytes");
    IncompleteReadError undefined = roundTrip(new IncompleteReadError(b("ab"), -1));
    assertThat(undefined.expected()).isEqualTo(-1);
    assertThat(undefined).hasMessageContaining("undefined expected bytes");
    LimitOverrunError overrun = roundTrip(new LimitOverrunError("Separator is not found", 7));
    assertThat(overrun.consumed()).isEqualTo(7);
    assertThat(overrun).hasMessage("Separator is not found");
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void toString_isAsyncioRepr() {
    run(() -> {
      StreamReader r = new StreamReader(123);
      assertThat(r).hasToString("<StreamReader limit=123>");
      StreamReader d = new StreamReader();
      d.feedData(b("abcd"));
      assertThat(d).hasToString("<StreamReader 4 bytes>");
      d.feedEof();
      assertThat(d).hasToString("<StreamReader 4 bytes eof>");
    });
  }
}
