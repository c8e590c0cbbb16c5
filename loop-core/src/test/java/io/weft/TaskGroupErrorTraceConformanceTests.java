package io.weft;

import static io.weft.IterationTrace.sleepLong;
import static io.weft.IterationTrace.yieldOnce;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The exception groups task groups raise (what they hold, in which order, nested how, and when), compared with what
 * the same programs raised on CPython 3.13.0 ({@code src/test/cpython/taskgroup_error_traces.py}), iteration by
 * iteration as in {@link IterationTrace}. The exception classes carry Python's names.
 */
@org.junit.jupiter.api.Timeout(60)
class TaskGroupErrorTraceConformanceTests {
  static final class ValueError extends RuntimeException {
    ValueError(String m) {
      super(m);
    }
  }

  static final class KeyError extends RuntimeException {
    KeyError(String m) {
      super(m);
    }
  }

  static final class TypeError extends RuntimeException {
    TypeError(String m) {
      super(m);
    }
  }

  static final class MyBase extends BaseError {
    MyBase(String m) {
      super(m);
    }
  }

  static String desc(Throwable e) {
    if (e instanceof ExceptionGroupLike g) {
      return (e instanceof ExceptionGroup ? "ExceptionGroup" : "BaseExceptionGroup") + "["
          + String.join(",", g.exceptions().stream().map(TaskGroupErrorTraceConformanceTests::desc).toList()) + "]";
    }
    return e.getClass().getSimpleName() + (e.getMessage() != null ? "(" + e.getMessage() + ")" : "");
  }

  @TestFactory
  Stream<DynamicTest> eachProgram_raisesAndTracesAsOnCPython313() {
    Map<String, IterationTrace.Program> ps = new LinkedHashMap<>();
    ps.put("two_fail_same_iteration", t -> TaskGroup.run(g -> {
      for (int i = 1; i <= 2; i++) {
        int j = i;
        g.createTask(() -> {
          yieldOnce();
          throw new ValueError("" + j);
        });
      }
      try {
        sleepLong();
      } finally {
        yieldOnce();
        throw new KeyError("body");
      }
    }));
    ps.put("base_child", t -> TaskGroup.run(g -> {
      g.createTask(() -> {
        yieldOnce();
        throw new MyBase("b");
      });
      g.createTask(() -> {
        yieldOnce();
        yieldOnce();
        throw new ValueError("v");
      });
      return null;
    }));
    ps.put("nested_both", t -> TaskGroup.run(g1 -> {
      g1.createTask(() -> {
        yieldOnce();
        yieldOnce();
        throw new ValueError("outer");
      });
      return TaskGroup.run(g2 -> {
        g2.createTask(() -> {
          yieldOnce();
          throw new ValueError("inner");
        });
        sleepLong();
        return null;
      });
    }));
    ps.put("child_fails_in_cleanup", t -> TaskGroup.run(g -> {
      g.createTask(() -> {
        try {
          sleepLong();
        } finally {
          throw new TypeError("cleanup");
        }
      });
      g.createTask(() -> {
        yieldOnce();
        throw new ValueError("first");
      });
      return null;
    }));
    Map<String, String> expected = Map.of(
        "two_fail_same_iteration", "5:raised ExceptionGroup[ValueError(1),ValueError(2),KeyError(body)]",
        "base_child", "5:raised BaseExceptionGroup[MyBase(b)]",
        "nested_both", "4:raised ExceptionGroup[ValueError(outer),ExceptionGroup[ValueError(inner)]]",
        "child_fails_in_cleanup", "6:raised ExceptionGroup[ValueError(first),TypeError(cleanup)]");
    return ps.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      String trace = IterationTrace.of(t -> {
        try {
          e.getValue().run(t);
        } catch (Throwable error) {
          t.ev("raised " + desc(error));
        }
      });
      org.assertj.core.api.Assertions.assertThat(trace).as(e.getKey()).isEqualTo(expected.get(e.getKey()));
    }));
  }
}
