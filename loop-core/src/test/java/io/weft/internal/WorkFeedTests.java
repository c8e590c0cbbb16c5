package io.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The staging of a fed real work: sources, arrival order, takes across staged pieces, ends and closing. */
class WorkFeedTests {

  private final List<String> delivered = new ArrayList<>();

  @SuppressWarnings("unchecked")
  private WorkFeed feed() {
    Consumer<byte[]> out = b -> delivered.add("out " + new String(b, StandardCharsets.UTF_8));
    return new WorkFeed(new String[] {"out", "events"}, new Consumer[] {out, null});
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aTake_joinsAndSplitsTheStagedPieces_inOrder() {
    WorkFeed f = feed();
    f.stage(0, b("hel"));
    f.stage(0, b("lo wor"));
    f.stage(0, b("ld"));
    assertThat(f.staged(0)).isEqualTo(11);
    f.take(0, 4).run();
    f.take(0, 7).run();
    assertThat(delivered).containsExactly("out hell", "out o world");
    assertThat(f.staged(0)).isZero();
    assertThat(f.hasAny()).isFalse();
  }

  @Test
  void first_isTheFirstSourceInOrderThatHoldsSomething_whateverArrivedFirst() {
    WorkFeed f = feed();
    assertThat(f.first()).isEqualTo(-1);
    f.stage(1, () -> delivered.add("event"));
    f.stage(0, b("abc"));
    assertThat(f.first()).isZero();
    assertThat(f.arrivals()).isEqualTo(2);
    f.take(0, 3);
    assertThat(f.first()).isEqualTo(1);
    f.take(1, 1).run();
    assertThat(delivered).containsExactly("event");
    assertThat(f.first()).isEqualTo(-1);
  }

  @Test
  void aLivePiece_endsAtTheNextMultipleOfMaxTake_inTheStream() {
    WorkFeed f = feed();
    f.stage(0, new byte[WorkFeed.MAX_TAKE - 10]);
    assertThat(f.holdsWholePiece()).isFalse();
    assertThat(f.livePiece(0)).isEqualTo(WorkFeed.MAX_TAKE - 10);
    f.stage(0, new byte[30]);
    assertThat(f.holdsWholePiece()).isTrue();
    assertThat(f.livePiece(0)).isEqualTo(WorkFeed.MAX_TAKE);
    f.take(0, 5);
    assertThat(f.livePiece(0)).as("cut where the stream reaches 64 KiB").isEqualTo(WorkFeed.MAX_TAKE - 5);
    f.take(0, WorkFeed.MAX_TAKE - 5);
    assertThat(f.livePiece(0)).isEqualTo(20);
    assertThat(f.livePiece(1)).as("no event staged").isZero();
    f.stage(1, () -> {});
    assertThat(f.livePiece(1)).isEqualTo(1);
  }

  @Test
  void settling_isRememberedUntilSomethingArrives() {
    WorkFeed f = feed();
    f.stage(0, b("a"));
    assertThat(f.unchangedSinceSettled()).isFalse();
    f.settled();
    assertThat(f.unchangedSinceSettled()).isTrue();
    f.take(0, 1);
    assertThat(f.unchangedSinceSettled()).as("a take is not an arrival").isTrue();
    f.stage(0, b("b"));
    assertThat(f.unchangedSinceSettled()).isFalse();
  }

  @Test
  void takingMoreThanIsStaged_orBytesFromAnEventSource_isRefused_andTakesNothing() {
    WorkFeed f = feed();
    f.stage(0, b("ab"));
    assertThatThrownBy(() -> f.take(0, 3)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot take 3 from out, which holds 2");
    assertThat(f.staged(0)).isEqualTo(2);
    f.stage(1, () -> {});
    assertThatThrownBy(() -> f.take(1, 2)).isInstanceOf(IllegalStateException.class);
    assertThat(f.staged(1)).isEqualTo(1);
    assertThatThrownBy(() -> f.stage(1, b("x"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events, not bytes");
    assertThatThrownBy(() -> f.stage(0, () -> {})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes, not events");
    assertThatThrownBy(() -> f.stage(0, new byte[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void aClosedFeed_dropsWhatWasStaged_andRefusesMore() {
    WorkFeed f = feed();
    f.stage(0, b("ab"));
    f.close();
    assertThat(f.hasAny()).isFalse();
    assertThat(f.stage(0, b("c"))).isFalse();
    assertThat(f.stage(1, () -> {})).isFalse();
    assertThat(f.staged(0)).isZero();
  }

  @Test
  void stagingAndEnding_wakeTheLoop_andEndsAreRemembered() {
    WorkFeed f = feed();
    int[] wakes = new int[1];
    f.wakeWith(() -> wakes[0]++);
    f.stage(0, b("a"));
    f.stage(1, () -> {});
    assertThat(f.ended(0)).isFalse();
    f.end(0);
    assertThat(f.ended(0)).isTrue();
    assertThat(f.ended(1)).isFalse();
    assertThat(wakes[0]).isEqualTo(3);
    assertThat(f.toString()).isEqualTo("out 1 B, events 1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFeedNeedsOneSinkPerSource() {
    assertThatThrownBy(() -> new WorkFeed(new String[] {"a", "b"}, new Consumer[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 names and 1 sinks");
  }

  @Test
  void awaitHolding_isWokenByAnotherThreadsStaging_andTellsAnEndedShortSourceAndADeadlineApart() throws Exception {
    WorkFeed f = feed();
    Thread stager = Thread.ofPlatform().start(() -> {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
      f.stage(0, b("abc"));
    });
    long far = System.nanoTime() + 10_000_000_000L;
    assertThat(f.awaitHolding(0, 3, far, () -> false)).isEqualTo(WorkFeed.Wait.HELD);
    stager.join();
    f.end(0);
    assertThat(f.awaitHolding(0, 4, far, () -> false)).isEqualTo(WorkFeed.Wait.ENDED_SHORT);
    assertThat(f.awaitHolding(1, 1, System.nanoTime() + 1_000_000L, () -> false)).isEqualTo(WorkFeed.Wait.EXPIRED);
    assertThat(f.awaitHolding(1, 1, far, () -> true)).isEqualTo(WorkFeed.Wait.STOPPED);
  }

  @Test
  void settle_returnsAtOnceWhenNothingArrivedSinceItLastSettled_andRemembersWhatItSaw() {
    WorkFeed f = feed();
    f.stage(0, b("a"));
    f.settle(1_000_000L, System.nanoTime() + 1_000_000_000L, () -> false);
    assertThat(f.unchangedSinceSettled()).isTrue();
    long t0 = System.nanoTime();
    f.settle(60_000_000_000L, System.nanoTime() + 60_000_000_000L, () -> false);
    assertThat(System.nanoTime() - t0).as("no second wait").isLessThan(5_000_000_000L);
  }
}
