package io.weft.testengine;

import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.ScheduleSeries;
import io.weft.sim.SimOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings of one {@code @AsyncTest} method: its annotation, overridden by configuration parameters.
 *
 * @param schedules how many generated schedules
 * @param seed the base seed
 * @param seedWasRandom whether the seed was drawn for this run ({@code seed = "random"})
 * @param strategy the strategy name: one {@link ScheduleSeries} accepts ({@code PORTFOLIO}, {@code PCT}, ...)
 * @param mode the mode
 * @param stepLimit the step limit
 * @param virtualTimeLimitSeconds the virtual-time limit
 * @param earlyBoundNanos the early bound
 * @param lateBoundNanos the late bound
 * @param shrink whether to shrink
 * @param replay the one schedule to run, or null
 * @param selfCheck whether each schedule runs twice
 * @param shardIndex this shard
 * @param shardCount the number of shards
 * @param regressions the regression file, or null if off
 * @param traceDir where trace files go
 * @param shrinkRuns the shrinking budget in runs
 * @param shrinkTime the shrinking budget in real time
 * @param stopAfterFailure whether the method's remaining schedules are skipped once one failed
 * @param progressNanos how often a long exploration prints a progress line, in real nanoseconds (0: never)
 * @param progressEvery print a progress line every this many finished schedules as well (0: by time only)
 * @param stepTimeout the most real time one callback or task step may run ({@code weft.watchdog})
 * @param runTimeout the most real time one run may take ({@code weft.runTimeout})
 * @param blockedWait the most real time the loop waits for a lock held outside the run ({@code weft.blockedWait})
 * @param quietGrace how long an idle loop with a timer set waits for child processes before virtual time moves
 *     ({@code weft.quietGrace})
 * @param printEntries whether the report entries of a failure are also printed on standard output
 * @param requireBlockingDetection whether a run on a carrier that cannot detect blocking calls fails
 * @param faults the fault plan set on each run's simulated network ({@code FaultPlan.NONE}: none)
 * @param hosts the hosts added to each run's simulated network, in order
 */
record Settings(int schedules, long seed, boolean seedWasRandom, String strategy, Mode mode, long stepLimit,
    long virtualTimeLimitSeconds, long earlyBoundNanos, long lateBoundNanos, boolean shrink, Schedule replay,
    boolean selfCheck, int shardIndex, int shardCount, Path regressions, Path traceDir, int shrinkRuns,
    Duration shrinkTime, boolean stopAfterFailure, long progressNanos, int progressEvery, Duration stepTimeout, Duration runTimeout, Duration blockedWait, Duration quietGrace, boolean printEntries, boolean requireBlockingDetection,
    io.weft.fault.FaultPlan faults, java.util.List<String> hosts) {

  static final String DEFAULT_REGRESSIONS = "src/test/resources/weft-regressions.txt";
  static final String DEFAULT_TRACE_DIR = "target/weft-traces";
  static final long DEFAULT_PROGRESS_SECONDS = 10;

  /** Reads the settings, with relative paths against the working directory; see {@link #resolve(AsyncTest, Function, Path)}. */
  static Settings resolve(AsyncTest a, Function<String, Optional<String>> config) {
    return resolve(a, config, Path.of("").toAbsolutePath());
  }

  /**
   * Reads the settings: each configuration parameter, if present, overrides the annotation's attribute. A relative
   * regression file or trace directory is taken relative to {@code projectDir} (see {@link ProjectDir}).
   */
  static Settings resolve(AsyncTest a, Function<String, Optional<String>> config, Path projectDir) {
    int schedules = intValue(config, "weft.schedules", a.schedules());
    if (schedules < 1) {
      throw new IllegalArgumentException("weft.schedules / schedules() must be >= 1, got " + schedules);
    }
    String seedText = config.apply("weft.seed").orElse(a.seed()).trim();
    boolean random = seedText.equalsIgnoreCase("random");
    long seed = random ? new SecureRandom().nextLong() : parseSeed(seedText);
    String strategy = config.apply("weft.strategy").orElse(a.strategy()).trim().toUpperCase(Locale.ROOT);
    Mode mode = config.apply("weft.mode").map(Settings::parseMode)
        .orElse(a.mode());
    long stepLimit = longValue(config, "weft.stepLimit", a.stepLimit());
    long vtl = longValue(config, "weft.virtualTimeLimitSeconds", a.virtualTimeLimitSeconds());
    long early = longValue(config, "weft.earlyBoundMicros", a.earlyBoundMicros());
    long late = longValue(config, "weft.lateBoundMicros", a.lateBoundMicros());
    boolean shrink = boolValue(config, "weft.shrink", a.shrink());
    String replayText = config.apply("weft.replay").orElse(a.replay()).trim();
    Schedule replay = replayText.isEmpty() ? null : Schedule.parse(replayText);
    boolean selfCheck = boolValue(config, "weft.selfCheck", a.selfCheck());
    int shardCount = intValue(config, "weft.shard.count", 1);
    int shardIndex = intValue(config, "weft.shard.index", 0);
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
      throw new IllegalArgumentException("weft.shard.index must be in [0, weft.shard.count) and the count >= 1, got"
          + " index " + shardIndex + " of " + shardCount);
    }
    String reg = config.apply("weft.regressions").orElse(DEFAULT_REGRESSIONS).trim();
    Path regressions = reg.equalsIgnoreCase("none") || reg.isEmpty() ? null : projectDir.resolve(reg).normalize();
    Path traceDir = projectDir.resolve(config.apply("weft.traceDir").orElse(DEFAULT_TRACE_DIR).trim()).normalize();
    int shrinkRuns = intValue(config, "weft.shrinkBudget", Shrinker.DEFAULT_MAX_RUNS);
    long shrinkSeconds = longValue(config, "weft.shrinkSeconds", Shrinker.DEFAULT_MAX_TIME.toSeconds());
    String after = config.apply("weft.afterFailure").orElse("stop").trim().toLowerCase(Locale.ROOT);
    if (!after.equals("stop") && !after.equals("continue")) {
      throw new IllegalArgumentException("weft.afterFailure must be 'stop' or 'continue', got '" + after + "'");
    }
    long progress = longValue(config, "weft.progressSeconds", DEFAULT_PROGRESS_SECONDS);
    if (progress < 0) {
      throw new IllegalArgumentException("weft.progressSeconds must be >= 0 (0: no progress lines), got " + progress);
    }
    int progressEvery = intValue(config, "weft.progressEvery", 0);
    if (progressEvery < 0) {
      throw new IllegalArgumentException("weft.progressEvery must be >= 0 (0: by time only), got " + progressEvery);
    }
    Duration stepTimeout = durationValue(config, "weft.watchdog", SimOptions.DEFAULT_STEP_TIMEOUT);
    Duration runTimeout = durationValue(config, "weft.runTimeout", SimOptions.DEFAULTS.watchdog());
    Duration blockedWait = durationValue(config, "weft.blockedWait", SimOptions.DEFAULT_BLOCKED_WAIT);
    Duration quietGrace = durationValue(config, "weft.quietGrace", SimOptions.DEFAULT_QUIET_GRACE);
    boolean printEntries = boolValue(config, "weft.printReportEntries", true);
    boolean requireDetection = boolValue(config, "weft.requireBlockingDetection", false);
    String faultsText = config.apply("weft.faults").orElse(a.faults());
    io.weft.fault.FaultPlan faults;
    try {
      faults = io.weft.fault.FaultPlan.parse(faultsText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("weft.faults / faults() is not a fault plan: " + e.getMessage(), e);
    }
    // Checked here, so that a bad strategy name fails the container with its reason instead of every invocation.
    long earlyNanos = micros(early, "weft.earlyBoundMicros / earlyBoundMicros()");
    long lateNanos = micros(late, "weft.lateBoundMicros / lateBoundMicros()");
    new ScheduleSeries(mode, strategy, seed, earlyNanos, lateNanos);
    if (progress > Long.MAX_VALUE / 1_000_000_000L) {
      throw new IllegalArgumentException("weft.progressSeconds must be at most " + Long.MAX_VALUE / 1_000_000_000L
          + ", got " + progress);
    }
    Settings s = new Settings(schedules, seed, random, strategy, mode, stepLimit, vtl, earlyNanos, lateNanos, shrink, replay, selfCheck, shardIndex, shardCount, regressions, traceDir, shrinkRuns,
        Duration.ofSeconds(shrinkSeconds), after.equals("stop"), Math.multiplyExact(progress, 1_000_000_000L),
        progressEvery, stepTimeout, runTimeout, blockedWait, quietGrace, printEntries, requireDetection, faults, hosts(a));
    s.options(); // checks the limits
    return s;
  }

  private static java.util.List<String> hosts(AsyncTest a) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String h : a.hosts()) {
      if (h == null || h.isBlank() || h.equals(io.weft.sim.net.SimNetwork.FIRST_HOST) || !seen.add(h)) {
        throw new IllegalArgumentException("hosts() must be distinct, non-empty names other than "
            + io.weft.sim.net.SimNetwork.FIRST_HOST + ", got " + java.util.Arrays.toString(a.hosts()));
      }
    }
    return java.util.List.of(a.hosts());
  }

  /**
   * A new series of this method's schedules (schedule {@code i} has seed {@code SimRandom.derive(seed, i)}); it
   * learns the PCT horizon from the runs it is told about.
   */
  ScheduleSeries series() {
    return new ScheduleSeries(mode, strategy, seed, earlyBoundNanos, lateBoundNanos);
  }

  /** Schedule {@code index} of a series that has observed no run. */
  Schedule schedule(int index) {
    return series().schedule(index);
  }

  /** These settings with another {@code runTimeout}: the watchdog of each run. */
  Settings withRunTimeout(Duration runTimeout) {
    return new Settings(schedules, seed, seedWasRandom, strategy, mode, stepLimit, virtualTimeLimitSeconds,
        earlyBoundNanos, lateBoundNanos, shrink, replay, selfCheck, shardIndex, shardCount, regressions, traceDir,
        shrinkRuns, shrinkTime, stopAfterFailure, progressNanos, progressEvery, stepTimeout, runTimeout, blockedWait,
        quietGrace, printEntries, requireBlockingDetection, faults, hosts);
  }

  SimOptions options() {
    return SimOptions.DEFAULTS.withStepLimit(stepLimit).withVirtualTimeLimit(Duration.ofSeconds(
        virtualTimeLimitSeconds)).withStepTimeout(stepTimeout).withWatchdog(runTimeout).withBlockedWait(blockedWait)
        .withQuietGrace(quietGrace);
  }

  static Mode parseMode(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (Mode m : Mode.values()) {
      if (m.name().equals(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("weft.mode must be FAITHFUL or CHAOS, got '" + text + "'");
  }

  static long parseSeed(String text) {
    String t = text.trim().replace("_", "");
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Long.parseUnsignedLong(t.substring(2), 16);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("seed must be a decimal number, 0x-hexadecimal, or 'random', got '" + text
          + "'", e);
    }
  }

  private static long micros(long micros, String name) {
    if (micros < 0 || micros > Long.MAX_VALUE / 1000L) {
      throw new IllegalArgumentException(name + " must be in [0, " + Long.MAX_VALUE / 1000L + "] microseconds, got "
          + micros);
    }
    return micros * 1000L;
  }

  private static int intValue(Function<String, Optional<String>> config, String key, int fallback) {
    return config.apply(key).map(v -> {
      try {
        return Integer.parseInt(v.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
      }
    }).orElse(fallback);
  }

  private static long longValue(Function<String, Optional<String>> config, String key, long fallback) {
    return config.apply(key).map(v -> {
      try {
        return Long.parseLong(v.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
      }
    }).orElse(fallback);
  }

  /** A positive duration: a number with a unit {@code ms}, {@code s} or {@code m}; a bare number is seconds. */
  static Duration parseDuration(String key, String value) {
    String t = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
    long factorMillis = 1000;
    String number = t;
    if (t.endsWith("ms")) {
      factorMillis = 1;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      factorMillis = 60_000;
      number = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(number.trim());
      if (n > 0) {
        return Duration.ofMillis(Math.multiplyExact(n, factorMillis));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be a positive duration such as 500ms, 10s or 2m, got '" + value
        + "'");
  }

  private static Duration durationValue(Function<String, Optional<String>> config, String key, Duration fallback) {
    return config.apply(key).map(v -> parseDuration(key, v)).orElse(fallback);
  }

  private static boolean boolValue(Function<String, Optional<String>> config, String key, boolean fallback) {
    return config.apply(key).map(v -> {
      String t = v.trim().toLowerCase(Locale.ROOT);
      if (!t.equals("true") && !t.equals("false")) {
        throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
      }
      return t.equals("true");
    }).orElse(fallback);
  }
}
