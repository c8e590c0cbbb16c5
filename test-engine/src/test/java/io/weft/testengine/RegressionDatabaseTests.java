package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegressionDatabaseTests {

  @TempDir
  Path tmp;

  private static final Schedule A = Schedule.of(Mode.FAITHFUL, "RANDOM", 7).replaying(new int[] {0, 0, 1});
  private static final Schedule B = Schedule.of(Mode.CHAOS, "RANDOM", 9).replaying(new int[] {2});

  @Test
  void missingFile_hasNoSchedules() {
    assertThat(new RegressionDatabase(tmp.resolve("none.txt")).schedules("a.B#c")).isEmpty();
  }

  @Test
  void add_createsTheFileWithAHeader_andReadsBackPerMethodInOrder() throws Exception {
    RegressionDatabase db = new RegressionDatabase(tmp.resolve("deep/dir/reg.txt"));

    assertThat(db.add("a.B#c", A)).isTrue();
    assertThat(db.add("a.B#d", B)).isTrue();
    assertThat(db.add("a.B#c", B)).isTrue();

    assertThat(db.schedules("a.B#c")).containsExactly(A, B);
    assertThat(db.schedules("a.B#d")).containsExactly(B);
    List<String> lines = Files.readAllLines(db.file(), StandardCharsets.UTF_8);
    assertThat(lines.get(0)).startsWith("#");
    assertThat(lines).contains("a.B#c\t" + A, "a.B#d\t" + B);
  }

  @Test
  void add_ofAPresentLine_changesNothing() throws Exception {
    RegressionDatabase db = new RegressionDatabase(tmp.resolve("reg.txt"));
    db.add("a.B#c", A);
    String before = Files.readString(db.file());

    assertThat(db.add("a.B#c", A)).isFalse();
    assertThat(Files.readString(db.file())).isEqualTo(before);
  }

  @Test
  void add_toAFileWithoutAFinalNewline_startsANewLine() throws Exception {
    Path file = tmp.resolve("reg.txt");
    Files.writeString(file, "# mine\na.B#c\t" + A);

    new RegressionDatabase(file).add("a.B#c", B);

    assertThat(new RegressionDatabase(file).schedules("a.B#c")).containsExactly(A, B);
  }

  @Test
  void commentsAndBlankLines_areSkipped_badLines_nameFileAndLine() throws Exception {
    Path file = tmp.resolve("reg.txt");
    Files.writeString(file, "# c\n\n  # indented\na.B#c\t" + A + "\na.B#c weft:1:nope\n");
    RegressionDatabase db = new RegressionDatabase(file);

    assertThatThrownBy(() -> db.schedules("a.B#c")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reg.txt:5");
    Files.writeString(file, "a.B#c\tweft:1:FAITHFUL:NOPE:0:0:0\n");
    assertThatThrownBy(() -> db.schedules("a.B#c")).hasMessageContaining("reg.txt:1");
  }

  @Test
  void concurrentAdds_loseNoLine() throws Exception {
    RegressionDatabase db = new RegressionDatabase(tmp.resolve("reg.txt"));
    List<Future<Boolean>> adds = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 20; i++) {
        Schedule s = Schedule.of(Mode.FAITHFUL, "RANDOM", i).replaying(new int[] {1});
        adds.add(pool.submit(() -> db.add("a.B#c", s)));
      }
      for (Future<Boolean> f : adds) {
        assertThat(f.get()).isTrue();
      }
    }

    assertThat(db.schedules("a.B#c")).hasSize(20);
  }
}
