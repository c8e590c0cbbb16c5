package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StreamReader} half of CPython's {@code test_streams.py::StreamTests} that {@link StreamReaderTests} does
 * not already cover, ported as behaviour: each test names the CPython test it ports. Where CPython looks at the
 * private {@code _buffer}, these read what is left out through the public API ({@link #remaining}).
 */
class CPythonStreamReaderTests {

  private static final String DATA = "line1\nline2\nline3\n";

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

  /** Reads out, without waiting, what the reader holds (CPython's {@code stream._buffer}). */
  static String remaining(StreamReader r) {
    Matcher m = Pattern.compile("<StreamReader (\\d+) bytes").matcher(r.toString());
    return m.find() ? s(r.read(Integer.parseInt(m.group(1)))) : "";
  }

  /** Lets every callback and task that is ready run. */
  static void settle() {
    for (int i = 0; i < 3; i++) {
      Weft.sleep(Duration.ZERO);
    }
  }

  @Test
  void feedEmptyData_addsNothing_andFeedData_keepsItAll() { // test_feed_empty_data, test_feed_nonempty_data
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(new byte[0]);
      assertThat(r).hasToString("<StreamReader>");
      r.feedData(b(DATA));
      assertThat(remaining(r)).isEqualTo(DATA);
    });
  }

  @Test
  void readZero_leavesTheBufferAlone() { // test_read_zero
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b(DATA));
      assertThat(r.read(0)).isEmpty();
      assertThat(remaining(r)).isEqualTo(DATA);
    });
  }

  @Test
  void read_waitsForData_fedLater() { // test_read
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.read(30));
      loop.callSoon(() -> r.feedData(b(DATA)));
      assertThat(s(reading.await())).isEqualTo(DATA);
      assertThat(remaining(r)).isEmpty();
    });
  }

  @Test
  void read_takesNoMoreThanAsked_acrossFeeds() { // test_read_line_breaks
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("line1"));
      r.feedData(b("line2"));
      assertThat(s(r.read(5))).isEqualTo("line1");
      assertThat(remaining(r)).isEqualTo("line2");
    });
  }

  @Test
  void aWaitingRead_getsEmptyAtEof() { // test_read_eof
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.read(1024));
      loop.callSoon(r::feedEof);
      assertThat(reading.await()).isEmpty();
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void readToEof_waitsThroughSeveralFeeds() { // test_read_until_eof
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.read(-1));
      loop.callSoon(() -> {
        r.feedData(b("chunk1\n"));
        r.feedData(b("chunk2"));
        r.feedEof();
      });
      assertThat(s(reading.await())).isEqualTo("chunk1\nchunk2");
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void anException_winsOverBufferedData_forRead_readLine_andReadExactly() {
    // test_read_exception, test_readline_exception, test_readexactly_exception, test_exception
    run(() -> {
      for (String op : List.of("read", "readLine", "readExactly")) {
        StreamReader r = new StreamReader();
        assertThat(r.exception()).isNull();
        r.feedData(b("line\n"));
        assertThat(s(r.read(2))).isEqualTo("li");
        IllegalStateException boom = new IllegalStateException("boom " + op);
        r.setException(boom);
        assertThat(r.exception()).isSameAs(boom);
        assertThatThrownBy(() -> {
          switch (op) {
            case "read" -> r.read(2);
            case "readLine" -> r.readLine();
            default -> r.readExactly(2);
          }
        }).as(op).isSameAs(boom);
      }
    });
  }

  @Test
  void aLimitBelowOne_isRefused_namingIt() { // test_invalid_limit
    run(() -> {
      assertThatThrownBy(() -> new StreamReader(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("imit").hasMessageContaining("0");
      assertThatThrownBy(() -> new StreamReader(-1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("imit").hasMessageContaining("-1");
    });
  }

  @Test
  void readLine_waitsForTheSeparator_acrossFeeds_andKeepsWhatFollows() { // test_readline
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("chunk1 "));
      Task<byte[]> reading = Weft.createTask(r::readLine);
      loop.callSoon(() -> {
        r.feedData(b("chunk2 "));
        r.feedData(b("chunk3 "));
        r.feedData(b("\n chunk4"));
      });
      assertThat(s(reading.await())).isEqualTo("chunk1 chunk2 chunk3 \n");
      assertThat(remaining(r)).isEqualTo(" chunk4");
    });
  }

  @Test
  void readLine_overTheLimit_withoutASeparator_dropsTheWholeBuffer() { // test_readline_limit_with_existing_data
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("li"));
      r.feedData(b("ne1"));
      r.feedData(b("li"));
      assertThatThrownBy(r::readLine).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not found");
      assertThat(remaining(r)).isEmpty();
    });
  }

  @Test
  void atEof_onlyOnceEofWasFed_andTheBufferIsEmpty() { // test_at_eof
    run(() -> {
      StreamReader r = new StreamReader();
      assertThat(r.atEof()).isFalse();
      r.feedData(b("some data\n"));
      assertThat(r.atEof()).isFalse();
      r.readLine();
      assertThat(r.atEof()).isFalse();
      r.feedData(b("some data\n"));
      r.feedEof();
      r.readLine();
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void readLine_overTheLimit_whileWaiting_dropsTheLine_andKeepsTheNext() { // test_readline_limit
    run(() -> {
      StreamReader one = new StreamReader(7);
      loop.callSoon(() -> {
        one.feedData(b("chunk1"));
        one.feedData(b("chunk2"));
        one.feedData(b("chunk3\n"));
        one.feedEof();
      });
      assertThatThrownBy(one::readLine).isInstanceOf(IllegalArgumentException.class);
      assertThat(remaining(one)).isEmpty();

      StreamReader two = new StreamReader(7);
      loop.callSoon(() -> {
        two.feedData(b("chunk1"));
        two.feedData(b("chunk2\n"));
        two.feedData(b("chunk3\n"));
        two.feedEof();
      });
      assertThatThrownBy(two::readLine).isInstanceOf(IllegalArgumentException.class);
      assertThat(remaining(two)).isEqualTo("chunk3\n");

      StreamReader strict = new StreamReader(7);
      strict.feedData(b("1234567\n"));
      assertThat(s(strict.readLine())).isEqualTo("1234567\n");
      strict.feedData(b("12345678\n"));
      assertThatThrownBy(strict::readLine).isInstanceOf(IllegalArgumentException.class);
      assertThat(remaining(strict)).isEmpty();
      strict.feedData(b("12345678"));
      assertThatThrownBy(strict::readLine).isInstanceOf(IllegalArgumentException.class);
      assertThat(remaining(strict)).isEmpty();
    });
  }

  @Test
  void readLine_withEverythingBuffered_takesOneLine_andReadCountsBytesAfterIt() {
    // test_readline_nolimit_nowait, test_readline_read_byte_count
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b(DATA.substring(0, 6)));
      r.feedData(b(DATA.substring(6)));
      assertThat(s(r.readLine())).isEqualTo("line1\n");
      assertThat(s(r.read(7))).isEqualTo("line2\nl");
      assertThat(remaining(r)).isEqualTo("ine3\n");
    });
  }

  @Test
  void readLine_atEof_givesThePartialLine_orEmpty() { // test_readline_eof, test_readline_empty_eof
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("some data"));
      r.feedEof();
      assertThat(s(r.readLine())).isEqualTo("some data");
      StreamReader empty = new StreamReader();
      empty.feedEof();
      assertThat(empty.readLine()).isEmpty();
    });
  }

  @Test
  void readUntil_refusesAnEmptySeparator_andNoSeparators() { // test_readuntil_separator
    run(() -> {
      StreamReader r = new StreamReader();
      assertThatThrownBy(() -> r.readUntil(new byte[0])).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator should be");
      assertThatThrownBy(() -> r.readUntil(List.of(new byte[0]))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator should be");
      assertThatThrownBy(() -> r.readUntil(List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Separator should contain");
    });
  }

  @Test
  void readUntil_aSeveralByteSeparator_acrossFeeds() { // test_readuntil_multi_chunks, test_readuntil_multi_chunks_1
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("lineAAA"));
      assertThat(s(r.readUntil(b("AAA")))).isEqualTo("lineAAA");
      r.feedData(b("lineAAAxxx"));
      assertThat(s(r.readUntil(b("AAA")))).isEqualTo("lineAAA");
      assertThat(remaining(r)).isEqualTo("xxx");

      for (List<String> feeds : List.of(List.of("QWEaa", "XYaa", "a"), List.of("QWEaa", "XYa", "aa"),
          List.of("aaa"), List.of("Xaaa"), List.of("XXX", "a", "a", "a"))) {
        feeds.forEach(f -> r.feedData(b(f)));
        assertThat(s(r.readUntil(b("aaa")))).as("%s", feeds).isEqualTo(String.join("", feeds));
        assertThat(remaining(r)).isEmpty();
      }

      Task<byte[]> waiting = Weft.createTask(() -> r.readUntil(b("aaa")));
      for (String f : List.of("XXa", "a", "Ya", "aa")) {
        settle();
        assertThat(waiting.isDone()).as("done before %s", f).isFalse();
        r.feedData(b(f));
      }
      r.feedData(b("rest"));
      assertThat(s(waiting.await())).isEqualTo("XXaaYaaa");
      assertThat(remaining(r)).isEqualTo("rest");
    });
  }

  @Test
  void readUntil_atEof_isIncomplete_withUndefinedExpected_andEmptiesTheBuffer() { // test_readuntil_eof
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("some dataAA"));
      r.feedEof();
      assertThatThrownBy(() -> r.readUntil(b("AAA"))).isInstanceOf(IncompleteReadError.class)
          .hasMessageContaining("undefined expected bytes")
          .satisfies(e -> {
            assertThat(s(((IncompleteReadError) e).partial())).isEqualTo("some dataAA");
            assertThat(((IncompleteReadError) e).expected()).isEqualTo(-1);
          });
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void readUntil_withSeveralSeparators_theFirstToEndWins() { // test_readuntil_multi_separator
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("line 1\nline 2\r"));
      assertThat(s(r.readUntil(List.of(b("\r"), b("\n"))))).isEqualTo("line 1\n");
      assertThat(s(r.readUntil(List.of(b("\r"), b("\n"))))).isEqualTo("line 2\r");
      r.feedData(b("ABCDEFG"));
      assertThat(s(r.readUntil(List.of(b("DEF"), b("BCDE"))))).as("the earliest end, though longer")
          .isEqualTo("ABCDE");
      assertThat(remaining(r)).isEqualTo("FG");
    });
  }

  @Test
  void readUntil_withSeveralSeparators_overTheLimit_leavesTheData() { // test_readuntil_multi_separator_limit
    run(() -> {
      StreamReader r = new StreamReader(3);
      r.feedData(b("some dataA"));
      assertThatThrownBy(() -> r.readUntil(List.of(b("A"), b("ome dataA")))).isInstanceOf(LimitOverrunError.class)
          .hasMessageContaining("is found");
      assertThat(remaining(r)).isEqualTo("some dataA");
    });
  }

  @Test
  void readUntil_aSeparatorLongerThanTheBuffer_doesNotSkipData() { // test_readuntil_multi_separator_negative_offset
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b("data"));
      Task<byte[]> reading = Weft.createTask(() -> r.readUntil(List.of(b("A"), b("long sep"))));
      loop.callSoon(() -> r.feedData(b("Z")));
      loop.callSoon(() -> r.feedData(b("Aaaa")));
      assertThat(s(reading.await())).isEqualTo("dataZA");
      assertThat(remaining(r)).isEqualTo("aaa");
    });
  }

  @Test
  void readExactly_zero_isEmpty_andNegative_isRefusedAndReadsNothing() { // test_readexactly_zero_or_less
    run(() -> {
      StreamReader r = new StreamReader();
      r.feedData(b(DATA));
      assertThat(r.readExactly(0)).isEmpty();
      assertThatThrownBy(() -> r.readExactly(-1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("less than zero").hasMessageContaining("-1");
      assertThat(remaining(r)).isEqualTo(DATA);
    });
  }

  @Test
  void readExactly_waitsForEnough_andLeavesTheRest() { // test_readexactly
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.readExactly(2 * DATA.length()));
      loop.callSoon(() -> {
        r.feedData(b(DATA));
        r.feedData(b(DATA));
        r.feedData(b(DATA));
      });
      assertThat(s(reading.await())).isEqualTo(DATA + DATA);
      assertThat(remaining(r)).isEqualTo(DATA);
    });
  }

  @Test
  void readExactly_eofFirst_isIncomplete_withAsyncioMessage_andEmptiesTheBuffer() { // test_readexactly_eof
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.readExactly(2 * DATA.length()));
      loop.callSoon(() -> {
        r.feedData(b(DATA));
        r.feedEof();
      });
      assertThatThrownBy(reading::await).isInstanceOf(IncompleteReadError.class)
          .hasMessage("18 bytes read on a total of 36 expected bytes")
          .satisfies(e -> assertThat(s(((IncompleteReadError) e).partial())).isEqualTo(DATA));
      assertThat(r.atEof()).isTrue();
    });
  }

  @Test
  void anExceptionSetWhileAReadLineWaits_reachesIt() { // test_exception_waiter
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(r::readLine);
      IllegalArgumentException boom = new IllegalArgumentException("boom");
      Task<Void> setting = Weft.createTask(() -> {
        r.setException(boom);
        return null;
      });
      setting.await();
      assertThatThrownBy(reading::await).isSameAs(boom);
    });
  }

  @Test
  void aCancelledRead_thenAnException_leavesNoWaiter_andTheNextReadRaisesIt() { // test_exception_cancel
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(r::readLine);
      settle();
      reading.cancel();
      settle();
      assertThatThrownBy(reading::await).isInstanceOf(CancelledError.class);
      RuntimeException boom = new RuntimeException("message");
      r.setException(boom);
      settle();
      assertThat(r).hasToString("<StreamReader exception=" + boom + ">");
      assertThatThrownBy(r::readLine).as("a new read, not refused as a second waiter").isSameAs(boom);
    });
  }

  @Test
  void aCancelledRead_losesNoData_forTheNextRead() {
    // the behaviour test_exception_cancel guards, with data instead of an error
    run(() -> {
      StreamReader r = new StreamReader();
      Task<byte[]> reading = Weft.createTask(() -> r.readExactly(4));
      settle();
      r.feedData(b("ab"));
      reading.cancel();
      settle();
      assertThat(reading.isCancelled()).isTrue();
      r.feedData(b("cd"));
      assertThat(s(r.readExactly(4))).isEqualTo("abcd");
    });
  }

  @Test
  void toString_showsEofAndException_likeAsyncioRepr() { // test___repr__, test___repr__eof, test___repr__exception
    run(() -> {
      assertThat(new StreamReader()).hasToString("<StreamReader>");
      StreamReader eof = new StreamReader();
      eof.feedEof();
      assertThat(eof).hasToString("<StreamReader eof>");
      StreamReader failed = new StreamReader();
      RuntimeException e = new RuntimeException();
      failed.setException(e);
      assertThat(failed).hasToString("<StreamReader exception=" + e + ">");
    });
  }
}
