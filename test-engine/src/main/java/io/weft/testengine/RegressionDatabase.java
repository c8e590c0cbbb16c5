package io.weft.testengine;

import io.weft.Api;
import io.weft.sim.Schedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The file of schedules that failed before: every {@code @AsyncTest} failure appends its shrunk schedule, and every
 * later run replays the stored schedules of a method first, before the generated ones, so that a suite keeps every
 * bug it ever found. Commit the file.
 *
 * <p>The file is UTF-8 text. Blank lines and lines starting with {@code #} are comments; every other line is
 * {@code fully.qualified.Class#method}, a tab, and a printed schedule ({@code weft:1:…}). A line that does not parse
 * is an error naming the file and line, not something to skip silently. Appends take a file lock (and this class's
 * monitor, since a JVM cannot lock one file twice), so parallel test runs may share the file.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class RegressionDatabase {

  private static final Object APPEND = new Object();
  private static final String HEADER = "# Weft regression schedules: @AsyncTest failures, replayed first on every run."
      + "\n# Each line: fully.qualified.Class#method<TAB>schedule. Commit this file; delete a line to forget it.\n";

  private final Path file;

  /** The database in {@code file}, which need not exist yet. */
  public RegressionDatabase(Path file) {
    this.file = Objects.requireNonNull(file, "file must not be null");
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The key of a test method: {@code fully.qualified.Class#method}. */
  public static String key(Class<?> testClass, String methodName) {
    return testClass.getName() + "#" + methodName;
  }

  /**
   * The stored schedules of {@code key}, in file order, without duplicates; empty if the file does not exist.
   *
   * @throws IllegalArgumentException naming the file and line, if a line is not {@code key<TAB>schedule}
   * @throws UncheckedIOException if the file cannot be read
   */
  public List<Schedule> schedules(String key) {
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8), key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the regression file " + file, e);
    }
  }

  private List<Schedule> parse(List<String> lines, String key) {
    List<Schedule> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'Class#method<TAB>weft:1:...', got '"
            + line + "'");
      }
      if (!line.substring(0, tab).strip().equals(key)) {
        continue;
      }
      Schedule s;
      try {
        s = Schedule.parse(line.substring(tab + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Appends {@code key<TAB>schedule} unless the file has that line already, creating the file (with a comment
   * header) and its directories as needed.
   *
   * @return whether the line was added
   * @throws UncheckedIOException if the file cannot be written
   */
  public boolean add(String key, Schedule schedule) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(schedule, "schedule must not be null");
    if (key.isBlank() || key.contains("\t") || key.contains("\n")) {
      throw new IllegalArgumentException("key must be Class#method without tabs or newlines, got '" + key + "'");
    }
    synchronized (APPEND) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          // Read through the locked channel: on systems with mandatory locks a second open would fail.
          long size = ch.size();
          ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
          while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
            // keep reading until the buffer is full or the file ends
          }
          String existing = new String(all.array(), 0, all.position(), StandardCharsets.UTF_8);
          if (!lock.isValid() || parse(existing.lines().toList(), key).contains(schedule)) {
            return false;
          }
          String text = (size == 0 ? HEADER : "") + key + "\t" + schedule + "\n";
          if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            if (last.get(0) != '\n') {
              text = "\n" + text;
            }
          }
          ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), size);
          return true;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the regression file " + file, e);
      }
    }
  }
}
