package io.weft.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counts this process's open TCP and UDP socket descriptors on Linux, exactly: the entries of {@code /proc/self/fd}
 * that link to {@code socket:[inode]} with an inode listed in {@code /proc/self/net/tcp}, {@code tcp6}, {@code udp}
 * or {@code udp6}.
 *
 * <p>A count of every descriptor moves when the JVM opens a jar or a selector its epoll descriptor; even a count of
 * every socket moves, since the JVM itself may open a Unix-domain socket in the middle of a test (seen here: one
 * connected Unix stream socket appearing during a test that opened none). Internet sockets are only the network's.
 */
final class SocketDescriptors {

  private static final Path FD = Path.of("/proc/self/fd");
  private static final List<String> TABLES = List.of("tcp", "tcp6", "udp", "udp6");

  private SocketDescriptors() {}

  /** Returns how many of this process's descriptors are TCP or UDP sockets (IPv4 or IPv6). */
  static long inet() throws IOException {
    Set<String> inet = new HashSet<>();
    for (String table : TABLES) {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && !f[9].equals("0")) {
          inet.add(f[9]);
        }
      }
    }
    long n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(FD)) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[") && inet.contains(target.substring(8, target.length() - 1))) {
            n++;
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // closed between the listing and the look (the listing's own descriptor, or another thread's)
        }
      }
    }
    return n;
  }
}
