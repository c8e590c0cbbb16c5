package io.weft.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.EventLoop;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop's TLS buffers: one per loop, and spares that come back to whoever needs one large enough. */
class LoopTlsTests {

  private final EventLoop loop = EventLoop.builder().build();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void aLoopHasOne_andAnotherLoopItsOwn() {
    EventLoop other = EventLoop.builder().build();
    try {
      assertThat(LoopTls.of(loop)).isSameAs(LoopTls.of(loop)).isNotSameAs(LoopTls.of(other));
    } finally {
      other.close();
    }
  }

  @Test
  void aSpareComesBack_clearedAndOnlyWhenLargeEnough() {
    LoopTls tls = LoopTls.of(loop);
    ByteBuffer b = ByteBuffer.allocate(1000);
    b.put(new byte[10]);
    tls.give(b);
    assertThat(tls.take(2000)).as("too small: a new one").isNotSameAs(b).satisfies(n -> assertThat(n.capacity())
        .isEqualTo(2000));
    ByteBuffer again = tls.take(500);
    assertThat(again).isSameAs(b);
    assertThat(again.position()).isZero();
    assertThat(again.remaining()).isEqualTo(1000);
    assertThat(tls.take(500)).as("taken: not a spare any more").isNotSameAs(b);
  }

  @Test
  void theSmallestSpareThatFits_isTaken_butNotOneFourTimesTooLarge() {
    LoopTls tls = LoopTls.of(loop);
    ByteBuffer big = ByteBuffer.allocate(64 * 1024);
    ByteBuffer medium = ByteBuffer.allocate(8 * 1024);
    tls.give(big);
    tls.give(medium);
    assertThat(tls.take(100)).as("a small need gets a new small buffer").isNotSameAs(medium).isNotSameAs(big)
        .satisfies(n -> assertThat(n.capacity()).isEqualTo(100));
    assertThat(tls.take(4 * 1024)).isSameAs(medium);
    assertThat(tls.take(4 * 1024)).as("the large one is kept for a large need").isNotSameAs(big);
    assertThat(tls.take(20 * 1024)).isSameAs(big);
  }

  @Test
  void emptyAndHugeBuffersAreNotKept_andAFullSetKeepsTheLargest() {
    LoopTls tls = LoopTls.of(loop);
    tls.give(ByteBuffer.allocate(0));
    ByteBuffer huge = ByteBuffer.allocate(LoopTls.MAX_SPARE + 1);
    tls.give(huge);
    assertThat(tls.take(1)).isNotSameAs(huge).satisfies(n -> assertThat(n.capacity()).isEqualTo(1));
    ByteBuffer[] given = new ByteBuffer[LoopTls.SPARES];
    for (int i = 0; i < given.length; i++) {
      given[i] = ByteBuffer.allocate(100 * (i + 1));
      tls.give(given[i]);
    }
    ByteBuffer larger = ByteBuffer.allocate(10_000);
    tls.give(larger); // takes the place of the smallest (100)
    assertThat(tls.take(5_000)).isSameAs(larger);
    assertThat(tls.take(100)).as("the 100-byte spare was dropped").isNotSameAs(given[0]);
  }

  @Test
  void theWrapBuffer_isShared_clearedEachTime_andGrowsWhenAnEngineFindsItTooSmall() throws Exception {
    LoopTls tls = LoopTls.of(loop);
    javax.net.ssl.SSLEngine engine = TlsFixtures.client().createSSLEngine();
    ByteBuffer first = tls.wrapBuffer(engine);
    assertThat(first.capacity()).isGreaterThanOrEqualTo(engine.getSession().getPacketBufferSize());
    first.put((byte) 1);
    assertThat(tls.wrapBuffer(engine)).isSameAs(first).satisfies(b -> assertThat(b.position()).isZero());
    ByteBuffer grown = tls.growWrapBuffer();
    assertThat(grown.capacity()).isEqualTo(2 * first.capacity());
    assertThat(tls.wrapBuffer(engine)).isSameAs(grown);
  }
}
