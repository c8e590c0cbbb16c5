package io.weft.sim;

import io.weft.Api;
import java.util.random.RandomGenerator;

/**
 * The simulation's seeded generator: SplitMix64 (Steele, Lea and Flood, 2014), specified here so that a seed gives the
 * same numbers in every JVM. Code under simulation that needs randomness takes it from
 * {@link Simulation#random()}, so that a replay reproduces it; strategies take theirs from their own instance.
 *
 * <p>{@code nextLong()} advances the state by the golden gamma {@code 0x9e3779b97f4a7c15} and mixes it with the
 * MurmurHash3-style finalizer of the paper; the other methods are {@link RandomGenerator}'s defaults over it.
 * Not thread-safe: use it on the loop.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class SimRandom implements RandomGenerator {

  private long state;

  /** Creates a generator from {@code seed}. */
  public SimRandom(long seed) {
    this.state = seed;
  }

  @Override
  public long nextLong() {
    long z = (state += 0x9e3779b97f4a7c15L);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Returns a uniform int in {@code [0, bound)}, by Lemire's multiply-and-reject method over {@link #nextLong()}. */
  @Override
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long threshold = (1L << 32) % bound;
    while (true) {
      long r = nextLong() >>> 32;
      long m = r * bound;
      if ((m & 0xffffffffL) >= threshold) {
        return (int) (m >>> 32);
      }
    }
  }

  /** Mixes a seed with a stream number, so that one seed gives independent generators for different purposes. */
  public static long derive(long seed, long stream) {
    return new SimRandom(seed ^ (stream * 0xd1342543de82ef95L)).nextLong();
  }
}
