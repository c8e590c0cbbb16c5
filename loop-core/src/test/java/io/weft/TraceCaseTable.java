package io.weft;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A test class that is a table of traced programs ({@link IterationTrace}) and the traces CPython printed for them:
 * it defines the cases, and each runs as one dynamic test.
 */
abstract class TraceCaseTable {

  private final IterationTrace.Cases cases = new IterationTrace.Cases();

  /** Adds the cases with {@link #add}. */
  abstract void defineCases();

  /** Adds program {@code name}, expected to trace as {@code expected}. */
  final void add(String name, String expected, IterationTrace.Program program) {
    cases.add(name, expected, program);
  }

  /** Python's spelling of a boolean, as the CPython traces print it. */
  static String py(boolean b) {
    return IterationTrace.py(b);
  }

  @TestFactory
  Stream<DynamicTest> eachProgram_tracesAsOnCPython() {
    defineCases();
    return cases.tests();
  }
}
