package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.EventLoop.CarrierChoice;
import io.weft.internal.Carrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TaskGroup}: section TG of the spec and CPython's {@code test_taskgroups.py::BaseTestTaskGroup}, on virtual
 * time. Python's {@code 1 / 0} is an {@link ArithmeticException} here, {@code ValueError} an
 * {@link IllegalArgumentException}.
 */
class TaskGroupTests {

  EventLoop loop;
  final List<ExceptionContext> reports = new ArrayList<>();

  @BeforeEach
  void createLoop() {
    loop = TimeoutTests.virtualLoop(CarrierChoice.AUTO);
    loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
  }

  @AfterEach
  void closeLoop() {
    loop.checkInvariants();
    loop.close();
    assertThat(reports).as("exception handler reports").isEmpty();
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static void sleepMs(long millis) {
    Weft.sleep(ms(millis));
  }

  static final class MyExc extends RuntimeException {
    MyExc() {
      super("MyExc");
    }
  }

  static final class MyBaseExc extends BaseError {
    MyBaseExc() {
      super("MyBaseExc");
    }
  }

  static Void divideByZero() {
    int zero = 0;
    System.out.println(1 / zero);
    return null;
  }

  static AsyncCallable<Void> crashAfter(long millis) {
    return () -> {
      sleepMs(millis);
      return divideByZero();
    };
  }

  static List<Class<?>> types(Throwable group) {
    return ((ExceptionGroupLike) group).exceptions().stream().<Class<?>>map(Object::getClass).toList();
  }

  <T> T run(AsyncCallable<T> body) {
    return loop.runUntilComplete(body);
  }

  // ============================================================================================================

  @Nested
  class Joining {

    @Test
    void tg01_leavingTheScope_waitsForEveryChild_andTheirResultsAreAvailable() {
      List<Task<Integer>> tasks = run(() -> TaskGroup.run(tg -> List.of(
          tg.createTask(() -> Weft.sleep(ms(100), 42)),
          tg.createTask(() -> Weft.sleep(ms(200), 11)))));

      assertThat(tasks).extracting(Task::result).containsExactly(42, 11);
      assertThat(loop.time()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void tg01_taskCreatedLaterInTheBody_isAwaitedToo() {
      List<Task<Integer>> tasks = run(() -> TaskGroup.run(tg -> {
        Task<Integer> t1 = tg.createTask(() -> Weft.sleep(ms(100), 42));
        sleepMs(150);
        Task<Integer> t2 = tg.createTask(() -> Weft.sleep(ms(200), 11));
        return List.of(t1, t2);
      }));

      assertThat(tasks).extracting(Task::result).containsExactly(42, 11);
    }

    @Test
    void bodyValue_isReturned_andCreateTaskWithARunnable_works() {
      AtomicBoolean ran = new AtomicBoolean();

      String value = run(() -> TaskGroup.run(tg -> {
        tg.createTask(() -> {
          ran.set(true);
        });
        return "body";
      }));

      assertThat(value).isEqualTo("body");
      assertThat(ran).isTrue();
    }

    @Test
    void tg01_childrenCreatingTasks_whileTheParentWaitsOnExit_areAwaited() {
      List<Task<?>> all = new ArrayList<>();

      run(() -> TaskGroup.run(tg -> {
        all.add(tg.createTask(() -> {
          sleepMs(100);
          all.add(tg.createTask(() -> sleepMs(100)));
          all.add(tg.createTask(() -> sleepMs(200)));
        }));
        return null;
      }));

      assertThat(all).hasSize(3).allSatisfy(t -> assertThat(t.isDone()).isTrue());
      assertThat(loop.time()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void tg01_hydra_childrenMultiplyUntilHerculesFails_andTheGroupRaisesHisError() {
      AtomicInteger heads = new AtomicInteger();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(hydra(tg, heads));
        tg.createTask(() -> {
          while (heads.get() < 10) {
            sleepMs(15);
          }
          return divideByZero();
        });
        return null;
      })));

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(ArithmeticException.class);
      assertThat(heads.get()).isGreaterThanOrEqualTo(10);
    }

    private AsyncRunnable hydra(TaskGroup tg, AtomicInteger heads) {
      return () -> {
        heads.incrementAndGet();
        sleepMs(10);
        tg.createTask(hydra(tg, heads));
        tg.createTask(hydra(tg, heads));
      };
    }

    @Test
    void tg02_cancellingOneChildExplicitly_affectsNeitherTheGroupNorItsSiblings() {
      List<Task<Integer>> tasks = run(() -> TaskGroup.run(tg -> {
        Task<Integer> t1 = tg.createTask(() -> Weft.sleep(ms(1000), 42));
        sleepMs(150);
        t1.cancel();
        Task<Integer> t2 = tg.createTask(() -> Weft.sleep(ms(200), 11));
        return List.of(t1, t2);
      }));

      assertThat(tasks.get(0).isCancelled()).isTrue();
      assertThat(tasks.get(1).result()).isEqualTo(11);
    }

    @Test
    void tg13_createTask_passesTheNameThrough() {
      String name = run(() -> TaskGroup.run(tg -> tg.createTask(() -> Task.current().getName(), "example name", null)
          .await()));

      assertThat(name).isEqualTo("example name");
    }

    @Test
    void tg13_createTask_runsTheChildInTheGivenContext_sharedNotCopied() {
      ContextVar<Integer> cvar = new ContextVar<>("cvar");

      List<Integer> seen = run(() -> TaskGroup.run(tg -> {
        Context ctx = Context.copyCurrent();
        List<Integer> values = new ArrayList<>();
        values.add(ctx.get(cvar));
        tg.createTask(() -> {
          sleepMs(0);
          cvar.set(1);
          return null;
        }, null, ctx).await();
        values.add(ctx.get(cvar));
        tg.createTask(() -> {
          cvar.set(2);
          return null;
        }, null, ctx).await();
        values.add(ctx.get(cvar));
        return values;
      }));

      assertThat(seen).containsExactly(null, 1, 2);
    }
  }

  // ============================================================================================================

  @Nested
  class Failures {

    @Test
    void tg04_failingChild_cancelsItsSiblingsAndTheBody_andNothingAfterTheScopeRuns() {
      AtomicBoolean siblingCancelled = new AtomicBoolean();
      AtomicBoolean bodyCancelled = new AtomicBoolean();
      AtomicInteger num = new AtomicInteger();
      AtomicReference<Task<?>> sibling = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> Weft.createTask(() -> {
        TaskGroup.run(tg -> {
          tg.createTask(crashAfter(100));
          tg.createTask(crashAfter(100));
          tg.createTask(crashAfter(100));
          sibling.set(tg.createTask(() -> {
            try {
              sleepMs(5000);
            } catch (CancelledError e) {
              siblingCancelled.set(true);
              throw e;
            }
            num.incrementAndGet();
          }));
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            bodyCancelled.set(true);
            throw e;
          }
          return null;
        });
        num.addAndGet(10);
      }).await()));

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      assertThat(types(thrown)).containsOnly(ArithmeticException.class).hasSize(3);
      assertThat(num.get()).isZero();
      assertThat(siblingCancelled).isTrue();
      assertThat(bodyCancelled).isTrue();
      assertThat(sibling.get().isCancelled()).isTrue();
    }

    @Test
    void errors_areInTheOrderTheyArrived_childrenFirst_thenTheBody() {
      IllegalStateException second = new IllegalStateException("second, in cleanup");
      IllegalArgumentException first = new IllegalArgumentException("first");
      MyExc body = new MyExc();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(() -> {
          try {
            sleepMs(1000);
          } finally {
            sleepMs(5); // its cleanup fails after the first error
            throw second;
          }
        });
        tg.createTask(() -> {
          sleepMs(10);
          throw first;
        });
        try {
          sleepMs(1000);
        } finally {
          throw body;
        }
      })));

      assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(first, second, body);
      assertThat(((ExceptionGroup) thrown).message()).isEqualTo("unhandled errors in a TaskGroup");
      assertThat(thrown.getCause()).isNull();
    }

    @Test
    void tg04_exceptionInTheBodyAfterAnAwait_cancelsTheChildren_andIsRaisedInAGroup() {
      checkBodyException(true);
    }

    @Test
    void tg04_exceptionInTheBodyBeforeAnyAwait_cancelsTheChildren_andIsRaisedInAGroup() {
      checkBodyException(false);
    }

    private void checkBodyException(boolean awaitFirst) {
      List<Task<Integer>> tasks = new ArrayList<>();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tasks.add(tg.createTask(() -> Weft.sleep(ms(1000), 42)));
        tasks.add(tg.createTask(() -> Weft.sleep(ms(2000), 11)));
        if (awaitFirst) {
          sleepMs(100);
        }
        return divideByZero();
      })));

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(ArithmeticException.class);
      assertThat(tasks).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
    }

    @Test
    void bodyRaisingInPlaceOfTheOutsideCancellation_givesAGroupOfThatError() {
      AtomicInteger num = new AtomicInteger();

      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(tg -> {
            try {
              sleepMs(10_000);
            } catch (CancelledError e) {
              num.addAndGet(10);
              throw new MyExc(); // not a good idea, but supported
            }
            return null;
          });
        });
        sleepMs(100);
        r.cancel();
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(MyExc.class);
      assertThat(num.get()).isEqualTo(10);
    }

    @Test
    void bodyFailingInCleanupAfterAChildFailed_groupHoldsBoth_childFirst() {
      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(crashAfter(100));
        try {
          sleepMs(10_000);
        } finally {
          throw new MyExc();
        }
      })));

      assertThat(types(thrown)).containsExactly(ArithmeticException.class, MyExc.class);
    }

    @Test
    void tg14_cleanupOfTheBodyRaising_withAFailingChild_givesTwoExceptions_andCancellingIsZero() {
      class CustomException extends RuntimeException {}

      int[] cancelling = new int[1];
      Throwable thrown = run(() -> Weft.createTask(() -> {
        Throwable t = catchThrowable(() -> TaskGroup.run(tg -> {
          try {
            tg.createTask(() -> {
              throw new CustomException();
            });
            sleepMs(1000);
          } finally {
            throw new CustomException(); // an async with whose exit raises
          }
        }));
        cancelling[0] = Task.current().cancelling();
        return t;
      }).await());

      assertThat(types(thrown)).containsExactly(CustomException.class, CustomException.class);
      assertThat(cancelling[0]).isZero();
    }

    @Test
    void createTask_afterAChildFailed_throwsIllegalState_shuttingDown() {
      AtomicReference<Throwable> refused = new AtomicReference<>();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(crashAfter(1));
        tg.createTask(() -> {
          try {
            sleepMs(1000);
          } catch (CancelledError e) {
            refused.set(catchThrowable(() -> tg.createTask(crashAfter(1))));
          }
        });
        return null;
      })));

      assertThat(types(thrown)).containsExactly(ArithmeticException.class);
      assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("is shutting down");
    }

    @Test
    void childCreatedByAChildThatFailsAtOnce_cancelsItsCreator_gh128550() {
      AtomicBoolean ran = new AtomicBoolean();
      IllegalStateException third = new IllegalStateException("third task failed");

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(() -> {
          tg.createTask(() -> {
            throw third;
          });
          assertThatThrownBy(() -> {
            Weft.sleep(Duration.ZERO);
            Weft.sleep(Duration.ZERO);
          }).isInstanceOf(CancelledError.class);
          ran.set(true);
        });
        return null;
      })));

      assertThat(ran).isTrue();
      assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(third);
    }
  }

  // ============================================================================================================

  @Nested
  class OutsideCancellation {

    @Test
    void tg05_parentCancelledWhileWaitingOnExit_cancelsEveryChild_andCancelledErrorKeepsItsMessage() {
      AtomicInteger num = new AtomicInteger();

      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
              tg.createTask(() -> {
                try {
                  sleepMs(5000);
                } catch (CancelledError e) {
                  num.incrementAndGet();
                  throw e;
                }
              });
            }
            return null;
          });
        });
        sleepMs(100);
        assertThat(r.isDone()).isFalse();
        r.cancel("test");
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("test");
      assertThat(num.get()).isEqualTo(5);
    }

    @Test
    void tg05_parentCancelledInTheBody_cancelsTheChildren_andCancelledErrorPropagates() {
      AtomicInteger num = new AtomicInteger();

      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
              tg.createTask(() -> {
                try {
                  sleepMs(5000);
                } catch (CancelledError e) {
                  num.incrementAndGet();
                  throw e;
                }
              });
            }
            try {
              sleepMs(10_000);
            } catch (CancelledError e) {
              num.addAndGet(10);
              throw e;
            }
            return null;
          });
        });
        sleepMs(100);
        r.cancel();
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
      assertThat(num.get()).isEqualTo(15);
    }

    @Test
    void tg05_childrenThatWouldFailLater_doNotTurnTheCancellationIntoAGroup() {
      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(tg -> {
            for (int i = 0; i < 5; i++) {
              tg.createTask(crashAfter(200));
            }
            sleepMs(10_000);
            return null;
          });
        });
        sleepMs(100);
        r.cancel("test");
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class).hasMessage("test");
    }

    @Test
    void tg05_nestedGroups_cancelledFromOutside_raiseCancelledError() {
      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(g1 -> {
            g1.createTask(() -> sleepMs(10_000));
            return TaskGroup.run(g2 -> {
              for (int i = 0; i < 5; i++) {
                g2.createTask(crashAfter(200));
              }
              sleepMs(10_000);
              return null;
            });
          });
        });
        sleepMs(100);
        r.cancel();
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
    }

    @Test
    void bodyAwaitingInItsCleanupAfterAnOutsideCancel_whileAChildFails_raisesTheGroup_alsoInsideAChildTask() {
      // test_taskgroup_15/16 as of 3.13 (gh-116720); the spec's TG-05 still cites them for CancelledError, which was
      // the 3.11/3.12 outcome. The child's failure cancels the body's cleanup, and errors take priority.
      for (boolean viaChildTask : new boolean[] {false, true}) {
        AsyncRunnable nested = () -> TaskGroup.run(g1 -> {
          g1.createTask(crashAfter(300));
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            sleepMs(500);
            throw e;
          }
          return null;
        });

        double t0 = loop.time();
        Throwable thrown = run(() -> {
          Task<Void> r = Weft.createTask(viaChildTask ? () -> Weft.createTask(nested).await() : nested);
          sleepMs(100);
          r.cancel();
          return catchThrowable(r::await);
        });

        assertThat(thrown).as("via child task: %s", viaChildTask).isInstanceOf(ExceptionGroup.class);
        assertThat(types(thrown)).containsExactly(ArithmeticException.class);
        assertThat(loop.time() - t0).as("left when the child failed")
            .isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-6));
      }
    }

    @Test
    void tg05_groupWithoutChildren_cancelledInTheBody_raisesCancelledError() {
      AtomicInteger num = new AtomicInteger();

      Throwable thrown = run(() -> {
        Task<Void> r = Weft.createTask(() -> {
          TaskGroup.run(tg -> {
            try {
              sleepMs(10_000);
            } catch (CancelledError e) {
              num.addAndGet(10);
              throw e;
            }
            return null;
          });
        });
        sleepMs(100);
        r.cancel();
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
      assertThat(num.get()).isEqualTo(10);
    }
  }

  // ============================================================================================================

  @Nested
  class BaseErrors {

    @Test
    void tg07_keyboardInterruptFromTheBody_isRaisedBare_andTheChildsErrorGoesToTheHandler() {
      KeyboardInterrupt ki = new KeyboardInterrupt();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(crashAfter(100));
        try {
          sleepMs(10_000);
        } finally {
          throw ki;
        }
      })));

      assertThat(thrown).isSameAs(ki);
      assertThat(reports).singleElement().satisfies(ctx -> {
        assertThat(ctx.exception()).isInstanceOf(ArithmeticException.class);
        assertThat(ctx.message()).contains("not propagated");
      });
      reports.clear();
    }

    @Test
    void tg07_systemExitFromTheBody_isRaisedBare() {
      SystemExit exit = new SystemExit(3);

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(() -> sleepMs(100));
        throw exit;
      })));

      assertThat(thrown).isSameAs(exit);
    }

    @Test
    void tg07_otherBaseErrorFromTheBody_givesABaseExceptionGroup() {
      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(crashAfter(100));
        try {
          sleepMs(10_000);
        } finally {
          throw new MyBaseExc();
        }
      })));

      assertThat(thrown).isInstanceOf(BaseExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(ArithmeticException.class, MyBaseExc.class);
    }

    @Test
    void tg16_generatorExitFromTheBody_asTheOnlyError_isRaisedBare() {
      GeneratorExit exit = new GeneratorExit();
      List<Task<?>> children = new ArrayList<>();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        children.add(tg.createTask(() -> sleepMs(100)));
        throw exit;
      })));

      assertThat(thrown).isSameAs(exit);
      assertThat(children.get(0).isCancelled()).isTrue();
    }

    @Test
    void tg16_generatorExitFromTheBody_withAFailedChild_givesABaseExceptionGroupOfBoth() {
      GeneratorExit exit = new GeneratorExit();

      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(crashAfter(10));
        try {
          sleepMs(1000);
        } finally {
          throw exit;
        }
      })));

      assertThat(thrown).isInstanceOf(BaseExceptionGroup.class);
      assertThat(((BaseExceptionGroup) thrown).exceptions().get(1)).isSameAs(exit);
      assertThat(types(thrown)).containsExactly(ArithmeticException.class, GeneratorExit.class);
    }

    @Test
    void tg07_otherBaseErrorFromAChild_givesABaseExceptionGroup() {
      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(tg -> {
        tg.createTask(() -> {
          sleepMs(100);
          throw new MyBaseExc();
        });
        try {
          sleepMs(10_000);
        } finally {
          throw new IllegalArgumentException("TypeError");
        }
      })));

      assertThat(thrown).isInstanceOf(BaseExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(MyBaseExc.class, IllegalArgumentException.class);
    }
  }

  // ============================================================================================================

  @Nested
  class Nesting {

    @Test
    void tg08_outerChildFailsFirst_innerGroupIsCancelled_outerRaisesGroupOfTheError() {
      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(g1 -> {
        g1.createTask(crashAfter(100));
        return TaskGroup.run(g2 -> g2.createTask(crashAfter(10_000)));
      })));

      assertThat(thrown).isInstanceOf(ExceptionGroup.class);
      assertThat(types(thrown)).containsExactly(ArithmeticException.class);
    }

    @Test
    void tg08_innerChildFailsFirst_outerRaisesGroupOfTheInnerGroup() {
      Throwable thrown = run(() -> catchThrowable(() -> TaskGroup.run(g1 -> {
        g1.createTask(crashAfter(10_000));
        return TaskGroup.run(g2 -> g2.createTask(crashAfter(100)));
      })));

      assertThat(types(thrown)).containsExactly(ExceptionGroup.class);
      assertThat(types(((ExceptionGroup) thrown).exceptions().get(0))).containsExactly(ArithmeticException.class);
    }

    @Test
    void nestedGroupsBothFailing_cancelCountsUnwindLevelByLevel() {
      int[] cancelling = new int[2];

      Throwable outer = run(() -> {
        Throwable t = catchThrowable(() -> TaskGroup.run(outerTg -> {
          Throwable inner = catchThrowable(() -> TaskGroup.run(innerTg -> {
            innerTg.createTask(() -> {
              throw new IllegalStateException("RuntimeError");
            });
            outerTg.createTask(() -> {
              throw new IllegalArgumentException("ValueError");
            });
            return null;
          }));
          assertThat(types(inner)).containsExactly(IllegalStateException.class);
          cancelling[0] = Task.current().cancelling();
          return null;
        }));
        cancelling[1] = Task.current().cancelling();
        return t;
      });

      assertThat(types(outer)).containsExactly(IllegalArgumentException.class);
      assertThat(cancelling).containsExactly(1, 0);
    }
  }

  // ============================================================================================================

  @Nested
  class CancelBookkeeping {

    @Test
    void tg11_theGroupsOwnCancellationDoesNotLeak_theNextAwaitRunsNormally() {
      String after = run(() -> {
        Throwable t = catchThrowable(() -> TaskGroup.run(tg -> tg.createTask(() -> {
          throw new MyExc();
        })));
        assertThat(types(t)).containsExactly(MyExc.class);
        assertThat(Task.current().cancelling()).isZero();
        Weft.sleep(Duration.ZERO);
        return "not cancelled";
      });

      assertThat(after).isEqualTo("not cancelled");
    }

    @Test
    void tg10_outsideCancelWhileTheGroupAborts_isKept_theGroupIsRaised_thenTheNextAwaitIsCancelled() {
      List<String> log = new ArrayList<>();

      run(() -> {
        Future<Void> event = Weft.getRunningLoop().createFuture();
        Task<Void> inner = Weft.createTask(() -> {
          Throwable t = catchThrowable(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
              event.setResult(null);
              Weft.sleep(Duration.ZERO);
              throw new IllegalStateException("RuntimeError");
            });
            sleepMs(1000);
            log.add("sleep in group was not cancelled");
            return null;
          }));
          log.add(t.getClass().getSimpleName() + " cancelling=" + Task.current().cancelling());
          sleepMs(1000);
          log.add("sleep after group was not cancelled");
        });
        event.await();
        assertThat(inner.cancelling()).isZero();
        inner.cancel();
        assertThat(inner.cancelling()).isEqualTo(1);
        assertThat(catchThrowable(inner::await)).isInstanceOf(CancelledError.class);
        assertThat(inner.isCancelled()).isTrue();
        return null;
      });

      assertThat(log).containsExactly("ExceptionGroup cancelling=1");
    }

    @Test
    void cancellingLevel_isPreservedAcrossAGroupWhoseChildFailed() {
      int level = run(() -> {
        catchThrowable(() -> TaskGroup.run(tg -> tg.createTask(() -> {
          Weft.sleep(Duration.ZERO);
          throw new IllegalStateException();
        })));
        return Task.current().cancelling();
      });

      assertThat(level).isZero();
    }
  }

  // ============================================================================================================

  @Nested
  class Cancel {

    @Test
    void tg17_cancel_cancelsTheChildrenAndTheBody_andExitsWithoutCancelledError_returningNull() {
      List<Task<?>> children = new ArrayList<>();
      AtomicBoolean bodyCancelled = new AtomicBoolean();

      String value = run(() -> {
        String v = TaskGroup.run(tg -> {
          children.add(tg.createTask(() -> sleepMs(10_000)));
          children.add(tg.createTask(() -> {
            sleepMs(10);
            tg.cancel();
            tg.cancel(); // idempotent
          }));
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            bodyCancelled.set(true);
            throw e;
          }
          return "unreached";
        });
        assertThat(Task.current().cancelling()).isZero();
        Weft.sleep(Duration.ZERO);
        return v;
      });

      assertThat(value).isNull();
      assertThat(bodyCancelled).isTrue();
      // As in asyncio, the group cancels every child not done, the one calling cancel() included.
      assertThat(children).allSatisfy(c -> assertThat(c.isCancelled()).isTrue());
      assertThat(loop.time()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void tg17_cancelBeforeEntry_takesEffectOnEntry() {
      AtomicBoolean bodyCancelled = new AtomicBoolean();

      run(() -> {
        TaskGroup tg = new TaskGroup();
        tg.cancel();
        tg.enter(g -> {
          try {
            sleepMs(10_000);
          } catch (CancelledError e) {
            bodyCancelled.set(true);
            throw e;
          }
          return null;
        });
        return null;
      });

      assertThat(bodyCancelled).isTrue();
      assertThat(loop.time()).isZero();
    }

    @Test
    void tg17_cancelAfterTheGroupFinished_doesNothing() {
      run(() -> {
        TaskGroup tg = new TaskGroup();
        tg.enter(g -> null);
        tg.cancel();
        Weft.sleep(Duration.ZERO);
        assertThat(Task.current().cancelling()).isZero();
        return null;
      });
    }

    @Test
    void tg17_cancelByTheBodyItself_withoutAnAwaitAfterIt_returnsTheBodysValue_andLeavesNoCancellation() {
      String value = run(() -> {
        String v = TaskGroup.run(tg -> {
          tg.cancel();
          return "returned";
        });
        Weft.sleep(Duration.ZERO);
        return v;
      });

      assertThat(value).isEqualTo("returned");
    }

    @Test
    void tg17_outsideCancelArrivingAfterTheGroupsOwnCancel_isNotSwallowed_gh155433() {
      Throwable thrown = run(() -> {
        Task<Object> r = Weft.createTask(() -> TaskGroup.run(tg -> {
          tg.createTask(() -> {
            try {
              sleepMs(10_000);
            } finally {
              sleepMs(50); // cleanup that keeps the group joining
            }
          });
          sleepMs(1);
          tg.cancel();
          return null;
        }));
        sleepMs(10);
        r.cancel("outside");
        return catchThrowable(r::await);
      });

      assertThat(thrown).isInstanceOf(CancelledError.class);
    }
  }

  // ============================================================================================================

  @Nested
  class Misuse {

    @Test
    void enteringTwice_throwsIllegalState_alreadyEntered_insideAndAfter() {
      run(() -> {
        TaskGroup tg = new TaskGroup();
        tg.enter(g -> {
          assertThatThrownBy(() -> g.enter(x -> null)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("has already been entered");
          return null;
        });
        assertThatThrownBy(() -> tg.enter(x -> null)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has already been entered");
        return null;
      });
    }

    @Test
    void createTask_beforeEntry_throwsIllegalState_notEntered() {
      assertThatThrownBy(() -> new TaskGroup().createTask(() -> 1)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has not been entered");
    }

    @Test
    void createTask_afterTheGroupFinished_throwsIllegalState_finished() {
      run(() -> {
        TaskGroup tg = new TaskGroup();
        tg.enter(g -> null);
        assertThatThrownBy(() -> tg.createTask(() -> 1)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("is finished");
        return null;
      });
    }

    @Test
    void enteringOutsideATask_throwsIllegalState_andTheGroupStaysUnentered() {
      List<Throwable> errors = new ArrayList<>();
      TaskGroup tg = new TaskGroup();
      loop.callSoon(() -> errors.add(catchThrowable(() -> tg.enter(g -> null))));
      loop.stop();
      loop.runForever();

      assertThat(errors).hasSize(1);
      assertThat(errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("parent task");
      assertThatThrownBy(() -> tg.createTask(() -> 1)).hasMessageContaining("has not been entered");
    }

    @Test
    void toString_showsTasksErrorsAndState() {
      TaskGroup tg = new TaskGroup();
      List<String> seen = new ArrayList<>();
      seen.add(tg.toString());

      run(() -> catchThrowable(() -> tg.enter(g -> {
        g.createTask(() -> sleepMs(100));
        g.createTask(() -> sleepMs(100));
        seen.add(g.toString());
        g.createTask(crashAfter(10));
        sleepMs(1000);
        return null;
      })));

      assertThat(seen).containsExactly("<TaskGroup>", "<TaskGroup tasks=2 entered>");
      assertThat(tg.toString()).isEqualTo("<TaskGroup cancelling>");
    }
  }

  // ============================================================================================================

  @Nested
  class DebugMode {

    @Test
    void groupsAndTimeoutsThatWithdrawTheirOwnCancellations_produceNoSwallowedCancellationWarnings() {
      List<String> warnings = new ArrayList<>();
      io.weft.spi.VirtualClock clock = new io.weft.spi.VirtualClock();
      EventLoop debug = EventLoop.builder().clock(clock).poller(new io.weft.spi.VirtualPoller(clock)).debug(true)
          .build();
      debug.setWarningHandler(warnings::add);
      debug.setSlowCallbackDuration(Duration.ofHours(1));
      try {
        String result = debug.runUntilComplete(() -> {
          Throwable group = catchThrowable(() -> TaskGroup.run(tg -> {
            tg.createTask(crashAfter(1));
            sleepMs(1000);
            return null;
          }));
          Throwable timeout = catchThrowable(() -> Timeout.run(ms(5), t -> Weft.sleep(ms(1000), null)));
          String swallowed = Timeout.run(ms(5), t -> {
            try {
              return Weft.sleep(ms(1000), "slept");
            } catch (CancelledError e) {
              return "swallowed";
            }
          });
          String cancelled = TaskGroup.run(tg -> {
            tg.createTask(() -> sleepMs(1000));
            tg.cancel();
            sleepMs(1000);
            return "unreached";
          });
          return group.getClass().getSimpleName() + " " + timeout.getClass().getSimpleName() + " " + swallowed + " "
              + cancelled;
        });

        assertThat(result).isEqualTo("ExceptionGroup TimeoutError swallowed null");
        assertThat(warnings).isEmpty();
      } finally {
        debug.close();
      }
    }
  }

  // ============================================================================================================

  @Nested
  class Invariants {

    /**
     * Random groups (up to four children that sleep an even number of milliseconds and then return or fail, and
     * clean up for an even number when cancelled; a body
     * that sleeps an odd number and then returns or fails, an outside cancel at a half millisecond or none), checked
     * against asyncio's rules: the scope is left only when every child is done; the group raises exactly the errors
     * that were thrown, children's in the order they failed and the body's last; with no error it raises
     * CancelledError if and only if the outside cancel reached it; afterwards cancelling() is 1 if the outside
     * cancel reached it and 0 otherwise, and the next await is cancelled exactly when a group was raised and the
     * outside cancel is pending (TG-10, TG-11).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CarrierChoice.class, names = {"LOOP_SCHEDULED", "BATON"})
    void randomGroups_keepAsyncioRules(CarrierChoice carrier) {
      if (carrier == CarrierChoice.LOOP_SCHEDULED) {
        assumeTrue(Carrier.loopScheduledAvailable(), "the loop-scheduled carrier needs --add-opens");
      }
      java.util.Set<String> outcomes = new java.util.TreeSet<>();
      for (int seed = 0; seed < 200; seed++) {
        outcomes.add(checkOne(carrier, seed));
      }
      assertThat(outcomes).contains("returned", "ExceptionGroup", "CancelledError", "ExceptionGroup+cancelled");
    }

    private String checkOne(CarrierChoice carrier, int seed) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(4);
      int[] childMs = new int[n];
      int[] cleanupMs = new int[n];
      boolean[] childFails = new boolean[n];
      for (int i = 0; i < n; i++) {
        childMs[i] = 2 + 2 * r.nextInt(30);
        cleanupMs[i] = 2 * r.nextInt(15);
        childFails[i] = r.nextInt(4) == 0;
      }
      int bodyMs = 1 + 2 * r.nextInt(30);
      boolean bodyFails = r.nextInt(4) == 0;
      Double cancelAt = r.nextInt(3) == 0 ? r.nextInt(70) + 0.5 : null;
      String schedule = "seed " + seed + ": children " + java.util.Arrays.toString(childMs) + " fail "
          + java.util.Arrays.toString(childFails) + " cleanup " + java.util.Arrays.toString(cleanupMs) + ", body "
          + bodyMs + " fails " + bodyFails + ", outside cancel at "
          + cancelAt;

      EventLoop l = TimeoutTests.virtualLoop(carrier);
      try {
        List<Throwable> thrownInOrder = new ArrayList<>();
        List<Task<?>> children = new ArrayList<>();
        AtomicBoolean left = new AtomicBoolean();
        AtomicBoolean outsideDelivered = new AtomicBoolean();
        Task<String> parent = l.createTask(() -> {
          String outcome;
          try {
            TaskGroup.run(tg -> {
              for (int i = 0; i < n; i++) {
                int k = i;
                children.add(tg.createTask(() -> {
                  try {
                    sleepMs(childMs[k]);
                  } catch (CancelledError e) {
                    sleepMs(cleanupMs[k]); // cleanup that awaits keeps the group joining
                    throw e;
                  }
                  if (childFails[k]) {
                    RuntimeException e = new IllegalStateException("child " + k);
                    thrownInOrder.add(e);
                    throw e;
                  }
                  return k;
                }));
              }
              sleepMs(bodyMs);
              if (bodyFails) {
                RuntimeException e = new IllegalArgumentException("body");
                thrownInOrder.add(e);
                throw e;
              }
              return "body";
            });
            outcome = "returned";
            assertThat(thrownInOrder).as(schedule).isEmpty();
            assertThat(outsideDelivered.get()).as(schedule).isFalse();
          } catch (ExceptionGroup eg) {
            assertThat(eg.exceptions()).as(schedule).containsExactlyElementsOf(thrownInOrder);
            outcome = "ExceptionGroup";
          } catch (CancelledError e) {
            assertThat(thrownInOrder).as(schedule).isEmpty();
            assertThat(outsideDelivered.get()).as(schedule).isTrue();
            outcome = "CancelledError";
          } finally {
            left.set(true);
          }
          assertThat(children).as(schedule + ": every child done when the scope is left")
              .allSatisfy(c -> assertThat(c.isDone()).isTrue());
          if (thrownInOrder.isEmpty() && !outsideDelivered.get()) {
            assertThat(children).as(schedule).allSatisfy(c -> assertThat(c.isCancelled()).isFalse());
          }
          int cancelling = Task.current().cancelling();
          assertThat(cancelling).as(schedule).isEqualTo(outsideDelivered.get() ? 1 : 0);
          Throwable next = catchThrowable(() -> Weft.sleep(Duration.ZERO));
          if (outcome.equals("ExceptionGroup") && outsideDelivered.get()) {
            assertThat(next).as(schedule + ": TG-10, the kept cancel hits the next await")
                .isInstanceOf(CancelledError.class);
            outcome = "ExceptionGroup+cancelled";
          } else {
            assertThat(next).as(schedule + ": TG-11, nothing leaks").isNull();
          }
          return outcome;
        });
        if (cancelAt != null) {
          l.callAt(cancelAt / 1000, () -> {
            if (!left.get()) {
              outsideDelivered.set(true);
              parent.cancel();
            }
          });
        }

        String outcome = l.runUntilComplete(parent);

        // A child that neither failed nor returned was cancelled, and only because something went wrong.
        for (int i = 0; i < n; i++) {
          Task<?> c = children.get(i);
          if (c.isCancelled()) {
            assertThat(!thrownInOrder.isEmpty() || outsideDelivered.get()).as(schedule + ", child " + i).isTrue();
          }
        }
        l.checkInvariants();
        return outcome;
      } finally {
        l.close();
      }
    }
  }
}
