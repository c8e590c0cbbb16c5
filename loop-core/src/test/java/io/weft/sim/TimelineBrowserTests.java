package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML timeline as a browser shows it: headless Chromium (Debian's {@code chromium} package; {@code .ci/run}
 * installs it) runs the page's script, and the DOM it leaves must show each task's row, the deviation with its
 * sentence and the failure. Skipped, saying why, where no Chromium is installed. The screenshots land in
 * {@code target/timeline/}; {@code docs/timeline.png} is a copy of {@code payday.png}, the racy bank's failure.
 */
class TimelineBrowserTests {

  private static String chromium;

  @BeforeAll
  static void findChromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          chromium = p.toString();
          return;
        }
      }
    }
  }

  /** Runs headless Chromium on {@code args}; returns what it printed on stdout. */
  private static String run(Path profile, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    // A bound on a hung browser, not a measure of speed.
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + cmd);
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void chromium_showsTheTaskRows_theDeviation_andTheFailure(@TempDir Path tmp) throws Exception {
    assumeTrue(chromium != null, "no Chromium on the PATH (chromium, chromium-browser, google-chrome): install"
        + " Debian's chromium package (.ci/run does) to render the HTML timeline");
    SimResult<String> r = TimelineFixture.failingRun();
    Path page = Path.of("target", "timeline", "timeline.html").toAbsolutePath();
    Timeline.writeHtml(r, "TimelineFixture: bob finished before alice", page);

    String dom = run(tmp.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", page.toUri().toString());
    assertThat(dom).as("the DOM after the page's script ran").contains("data-rendered=\"true\"");
    // One row per task, labelled with its name, and the loop's own rows.
    for (String task : List.of("main (#1)", "alice (#2)", "bob (#3)")) {
      assertThat(dom).containsPattern("<div class=\"label task\"[^>]*>" + Pattern.quote(task) + "</div>")
          .containsPattern("<div class=\"row task\" data-track=\"\\d+\" data-kind=\"task\" data-label=\""
              + Pattern.quote(task) + "\"");
    }
    assertThat(dom).contains(">choices and deviations</div>", ">timers and callbacks</div>");
    // Each step drawn in its row.
    long steps = r.trace().events().stream().filter(e -> e.kind() == Trace.STEP).count();
    assertThat(count(dom, "<div class=\"ev step( after)?\"")).isEqualTo((int) steps);
    // The deviation: one red marker whose tooltip has its sentence, and the sentence in the list, selected on open.
    String sentence = r.deviations().get(0);
    String shownSentence = sentence.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    assertThat(count(dom, "<div class=\"ev deviation[^\"]*\"")).isEqualTo(1);
    assertThat(dom).containsPattern("<div class=\"ev deviation sel\" [^>]*title=\"[^\"]*"
        + Pattern.quote(shownSentence.replace("\"", "&quot;")))
        .contains("<li class=\"deviation-sentence\" data-n=\"")
        .contains(shownSentence);
    // The wake-up arrows and the failure.
    assertThat(count(dom, "<path [^>]*class=\"wake( sel)?\"")).isGreaterThanOrEqualTo((int) steps - 1);
    assertThat(dom).contains("id=\"failure-line\"").contains("FAILURE: TEST_FAILED")
        .contains("bob finished before alice");

    screenshot(tmp, page, page.resolveSibling("timeline.png"));
  }

  @Test
  void chromium_showsTheRacyBanksEarlyDeviation_andTakesTheDocsScreenshot(@TempDir Path tmp) throws Exception {
    assumeTrue(chromium != null, "no Chromium on the PATH (chromium, chromium-browser, google-chrome): install"
        + " Debian's chromium package (.ci/run does) to render the HTML timeline");
    // The racy bank (README): one EARLY deviation lets the card payment read the balance before rent writes it.
    SimResult<Void> r = Simulation.run(Schedule.fifo().replaying(new int[] {1}), io.weft.sim.fixture.Payday::run);
    assertThat(r.deviations()).hasSize(1);
    Path page = Path.of("target", "timeline", "payday.html").toAbsolutePath();
    Timeline.writeHtml(r, "Payday.run: both payments went through", page);

    String dom = run(tmp.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", page.toUri().toString());
    assertThat(dom).contains("data-rendered=\"true\"").contains("(EARLY)")
        .containsPattern("<div class=\"label task\"[^>]*>Task-2 \\(Payday\\.run:\\d+\\)</div>")
        .containsPattern("<div class=\"label task\"[^>]*>Task-3 \\(Payday\\.run:\\d+\\)</div>");
    assertThat(count(dom, "<div class=\"ev deviation[^\"]*\"")).isEqualTo(1);
    screenshot(tmp, page, page.resolveSibling("payday.png"));
  }

  private static void screenshot(Path tmp, Path page, Path png) throws Exception {
    Files.deleteIfExists(png);
    run(tmp.resolve("profile-shot"), "--virtual-time-budget=5000", "--window-size=1100,640",
        "--screenshot=" + png, page.toUri().toString());
    assertThat(png).exists();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(10_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.ISO_8859_1)).isEqualTo("PNG");
  }
}
