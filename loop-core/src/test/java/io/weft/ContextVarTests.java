package io.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ContextVar} and {@link Context} on their own, and how the loop gives tasks and callbacks their contexts
 * (spec section CTX; CPython {@code test_context.py} and {@code test_tasks.py::test_context_*}).
 *
 * <p>Tests that run outside a loop run inside a fresh {@code new Context()}, so the JUnit thread's own context is
 * never changed.
 */
class ContextVarTests {

  private static <T> T runVirtual(AsyncCallable<T> main) {
    return Weft.run(main, EventLoop::createVirtual);
  }

  @Nested
  class Variables {

    @Test
    void get_withNoValueAndNoDefault_throwsNoSuchElementNamingTheVariable() {
      ContextVar<String> request = new ContextVar<>("request_id");
      new Context().run(() -> assertThatThrownBy(request::get)
          .isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("request_id"));
    }

    @Test
    void get_withDefault_returnsDefaultUntilSet_thenTheValue() {
      ContextVar<String> v = new ContextVar<>("v", "dflt");
      new Context().run(() -> {
        assertThat(v.get()).isEqualTo("dflt");
        v.set("x");
        assertThat(v.get()).isEqualTo("x");
      });
    }

    @Test
    void get_withNullDefault_returnsNullRatherThanThrowing() {
      ContextVar<String> v = new ContextVar<>("v", null);
      new Context().run(() -> assertThat(v.get()).isNull());
    }

    @Test
    void getWithFallback_whenUnset_returnsFallbackAndIgnoresTheDefault() {
      ContextVar<String> v = new ContextVar<>("v", "dflt");
      new Context().run(() -> assertThat(v.get("fallback")).isEqualTo("fallback"));
    }

    @Test
    void getWithFallback_whenSet_returnsTheValue() {
      ContextVar<String> v = new ContextVar<>("v", "dflt");
      new Context().run(() -> {
        v.set("x");
        assertThat(v.get("fallback")).isEqualTo("x");
      });
    }

    @Test
    void set_null_isAValue_notAbsence() {
      ContextVar<String> v = new ContextVar<>("v", "dflt");
      new Context().run(() -> {
        v.set(null);
        assertThat(v.get()).isNull();
        assertThat(v.get("fallback")).isNull();
        assertThat(Context.current().contains(v)).isTrue();
        assertThat(Context.current().size()).isEqualTo(1);
      });
    }

    @Test
    void set_returnsTokenRecordingTheVariableAndThePreviousValue() {
      ContextVar<String> v = new ContextVar<>("v");
      new Context().run(() -> {
        ContextVar.Token<String> first = v.set("a");
        ContextVar.Token<String> second = v.set("b");
        assertThat(first.var()).isSameAs(v);
        assertThat(first.hadOldValue()).isFalse();
        assertThat(first.oldValue()).isNull();
        assertThat(second.hadOldValue()).isTrue();
        assertThat(second.oldValue()).isEqualTo("a");
      });
    }

    @Test
    void set_overNullValue_tokenSaysThereWasAnOldValue() {
      ContextVar<String> v = new ContextVar<>("v");
      new Context().run(() -> {
        v.set(null);
        ContextVar.Token<String> t = v.set("x");
        assertThat(t.hadOldValue()).isTrue();
        assertThat(t.oldValue()).isNull();
        v.reset(t);
        assertThat(Context.current().contains(v)).isTrue();
        assertThat(v.get()).isNull();
      });
    }

    @Test
    void reset_restoresThePreviousValue_andTheFirstResetRemovesTheVariable() {
      ContextVar<String> v = new ContextVar<>("v", "dflt");
      new Context().run(() -> {
        ContextVar.Token<String> t1 = v.set("a");
        ContextVar.Token<String> t2 = v.set("b");
        v.reset(t2);
        assertThat(v.get()).isEqualTo("a");
        v.reset(t1);
        assertThat(v.get()).isEqualTo("dflt");
        assertThat(Context.current().contains(v)).isFalse();
        assertThat(Context.current().size()).isZero();
      });
    }

    @Test
    void reset_outOfOrder_restoresEachTokensOwnOldValue() {
      // As contextvars: a token restores what the variable held before its set, whatever happened since.
      ContextVar<String> v = new ContextVar<>("v");
      new Context().run(() -> {
        ContextVar.Token<String> t1 = v.set("a");
        ContextVar.Token<String> t2 = v.set("b");
        v.reset(t1);
        assertThat(Context.current().contains(v)).isFalse();
        v.reset(t2);
        assertThat(v.get()).isEqualTo("a");
      });
    }

    @Test
    void reset_tokenUsedTwice_throwsIllegalStateAndChangesNothing() {
      ContextVar<String> v = new ContextVar<>("v");
      new Context().run(() -> {
        ContextVar.Token<String> t = v.set("a");
        v.reset(t);
        v.set("later");
        assertThatThrownBy(() -> v.reset(t))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("already been used");
        assertThat(v.get()).isEqualTo("later");
      });
    }

    @Test
    void reset_tokenOfAnotherVariable_throwsIllegalArgument() {
      ContextVar<String> a = new ContextVar<>("a");
      ContextVar<String> b = new ContextVar<>("b");
      new Context().run(() -> {
        ContextVar.Token<String> ta = a.set("x");
        b.set("y");
        assertThatThrownBy(() -> b.reset(ta))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("different ContextVar");
        assertThat(b.get()).isEqualTo("y");
        a.reset(ta); // still usable with its own variable
        assertThat(a.get("none")).isEqualTo("none");
      });
    }

    @Test
    void reset_tokenCreatedInAnotherContext_throwsIllegalArgument() {
      ContextVar<String> v = new ContextVar<>("v");
      Context other = new Context();
      AtomicReference<ContextVar.Token<String>> token = new AtomicReference<>();
      other.run(() -> token.set(v.set("in other")));
      new Context().run(() -> {
        v.set("here");
        assertThatThrownBy(() -> v.reset(token.get()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("different Context");
        assertThat(v.get()).isEqualTo("here");
      });
      assertThat(other.get(v)).isEqualTo("in other");
    }

    @Test
    void variablesWithTheSameName_areDistinct() {
      ContextVar<String> a = new ContextVar<>("same");
      ContextVar<String> b = new ContextVar<>("same");
      new Context().run(() -> {
        a.set("a");
        assertThat(b.get("unset")).isEqualTo("unset");
        assertThat(Context.current().size()).isEqualTo(1);
      });
    }

    @Test
    void constructor_nullName_isRejected_andToStringShowsNameAndDefault() {
      assertThatThrownBy(() -> new ContextVar<String>(null)).isInstanceOf(NullPointerException.class);
      assertThat(new ContextVar<>("user", "anon").toString()).contains("user").contains("anon");
      assertThat(new ContextVar<String>("user").name()).isEqualTo("user");
    }
  }

  @Nested
  class Contexts {

    @Test
    void newContext_isEmpty() {
      Context c = new Context();
      assertThat(c.size()).isZero();
      assertThat(c.toMap()).isEmpty();
    }

    @Test
    void copy_startsWithTheSameValues_andThenTheTwoAreIndependentBothWays() {
      ContextVar<String> v = new ContextVar<>("v");
      Context original = new Context();
      original.run(() -> v.set("a"));
      Context copy = original.copy();
      assertThat(copy).isNotSameAs(original);
      assertThat(copy.get(v)).isEqualTo("a");

      copy.run(() -> v.set("in copy"));
      assertThat(original.get(v)).isEqualTo("a");
      original.run(() -> v.set("in original"));
      assertThat(copy.get(v)).isEqualTo("in copy");
    }

    @Test
    void copyCurrent_returnsACopyOfTheCurrentContext() {
      ContextVar<String> v = new ContextVar<>("v");
      Context c = new Context();
      c.run(() -> {
        v.set("a");
        Context copy = Context.copyCurrent();
        assertThat(copy).isNotSameAs(Context.current());
        assertThat(copy.get(v)).isEqualTo("a");
        v.set("b");
        assertThat(copy.get(v)).isEqualTo("a");
      });
    }

    @Test
    void get_returnsNullForMissingAndForNull_containsTellsThemApart() {
      ContextVar<String> missing = new ContextVar<>("missing", "dflt");
      ContextVar<String> nulled = new ContextVar<>("nulled");
      Context c = new Context();
      c.run(() -> nulled.set(null));
      assertThat(c.get(missing)).isNull(); // the default is not consulted
      assertThat(c.get(nulled)).isNull();
      assertThat(c.contains(missing)).isFalse();
      assertThat(c.contains(nulled)).isTrue();
    }

    @Test
    void run_makesTheContextCurrent_andRestoresThePreviousOne() {
      Context outer = new Context();
      Context inner = new Context();
      outer.run(() -> {
        assertThat(Context.current()).isSameAs(outer);
        inner.run(() -> assertThat(Context.current()).isSameAs(inner));
        assertThat(Context.current()).isSameAs(outer);
      });
    }

    @Test
    void run_restoresThePreviousContext_whenTheBodyThrows() {
      Context outer = new Context();
      Context inner = new Context();
      RuntimeException boom = new RuntimeException("boom");
      outer.run(() -> {
        Throwable thrown = catchThrowable(() -> inner.run(() -> {
          throw boom;
        }));
        assertThat(thrown).isSameAs(boom);
        assertThat(Context.current()).isSameAs(outer);
        inner.run(() -> {}); // and inner is no longer marked entered
      });
    }

    @Test
    void call_returnsTheBodysValue_andPropagatesItsCheckedExceptionUnchanged() throws Exception {
      ContextVar<Integer> v = new ContextVar<>("v");
      Context c = new Context();
      c.run(() -> v.set(41));
      assertThat(c.call(() -> v.get() + 1)).isEqualTo(42);
      IOException io = new IOException("io");
      assertThat(catchThrowable(() -> c.call(() -> {
        throw io;
      }))).isSameAs(io);
    }

    @Test
    void run_ofAnAlreadyEnteredContext_throwsIllegalState() {
      Context c = new Context();
      c.run(() -> assertThatThrownBy(() -> c.run(() -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already entered"));
      c.run(() -> {}); // after leaving, it can be entered again
    }

    @Test
    void call_ofAnAlreadyEnteredContext_throwsIllegalState_evenFromANestedContext() {
      Context c = new Context();
      Context other = new Context();
      c.run(() -> other.run(() -> assertThatThrownBy(() -> c.call(() -> 1))
          .isInstanceOf(IllegalStateException.class)));
    }

    @Test
    void set_insideRun_changesThatContextOnly() {
      ContextVar<String> v = new ContextVar<>("v");
      Context outer = new Context();
      Context inner = new Context();
      outer.run(() -> {
        v.set("outer");
        inner.run(() -> v.set("inner"));
        assertThat(v.get()).isEqualTo("outer");
      });
      assertThat(inner.get(v)).isEqualTo("inner");
      assertThat(outer.get(v)).isEqualTo("outer");
    }

    @Test
    void toMap_listsVariablesInTheOrderTheyWereFirstSet_withCurrentValues() {
      ContextVar<String> a = new ContextVar<>("a");
      ContextVar<String> b = new ContextVar<>("b");
      ContextVar<String> c = new ContextVar<>("c");
      Context ctx = new Context();
      ctx.run(() -> {
        c.set("c1");
        a.set("a1");
        b.set(null);
        a.set("a2"); // a keeps its place
      });
      assertThat(new ArrayList<>(ctx.toMap().keySet())).containsExactly(c, a, b);
      assertThat(new ArrayList<>(ctx.toMap().values())).containsExactly("c1", "a2", null);
      assertThat(ctx.size()).isEqualTo(3);
      assertThat(ctx.toString()).contains("c1").contains("a2");
    }

    @Test
    void toMap_isASnapshot_notAView() {
      ContextVar<String> a = new ContextVar<>("a");
      Context ctx = new Context();
      var snapshot = ctx.toMap();
      ctx.run(() -> a.set("x"));
      assertThat(snapshot).isEmpty();
      assertThat(ctx.toMap()).containsEntry(a, "x");
    }

    @Test
    @Timeout(10)
    void outsideAnyLoop_eachThreadHasAContextOfItsOwn() throws Exception {
      ContextVar<String> v = new ContextVar<>("v");
      AtomicReference<String> seen = new AtomicReference<>();
      new Context().run(() -> {
        v.set("junit thread");
        Thread t = Thread.ofPlatform().start(() -> {
          seen.set(v.get("unset in new thread"));
          v.set("other thread");
        });
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        assertThat(v.get()).isEqualTo("junit thread");
      });
      assertThat(seen.get()).isEqualTo("unset in new thread");
    }
  }

  @Nested
  class Tasks {

    @Test
    void ctx01_taskCopiesTheContextAtCreation_laterSetInParentIsInvisibleToTheTask() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      String seenByTask = runVirtual(() -> {
        v.set("before create");
        Task<String> t = Weft.createTask(() -> {
          return v.get();
        });
        v.set("after create");
        return t.await();
      });
      assertThat(seenByTask).isEqualTo("before create");
    }

    @Test
    void ctx01_setInTaskIsInvisibleToTheParent() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      List<String> seen = runVirtual(() -> {
        v.set("parent");
        Task<String> t = Weft.createTask(() -> {
          v.set("child");
          Weft.sleep(Duration.ZERO);
          return v.get();
        });
        String child = t.await();
        return List.of(child, v.get());
      });
      assertThat(seen).containsExactly("child", "parent");
    }

    @Test
    void ctx02_valueSetInATaskPersistsAcrossItsAwaits_with100InterleavingTasks() {
      ContextVar<Integer> v = new ContextVar<>("v", -1);
      List<Integer> results = runVirtual(() -> {
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          int id = i;
          tasks.add(Weft.createTask(() -> {
            Context mine = Context.current();
            assertThat(v.get()).isEqualTo(-1);
            v.set(id);
            for (int step = 0; step < 3; step++) {
              // Different delays make the tasks wake in an order unlike their creation order.
              Weft.sleep(Duration.ofMillis((id * 7 + step * 13) % 10));
              assertThat(v.get()).as("task %d after await %d", id, step).isEqualTo(id);
              assertThat(Context.current()).isSameAs(mine);
              assertThat(Task.current().getContext()).isSameAs(mine);
            }
            return v.get();
          }));
        }
        List<Integer> out = new ArrayList<>();
        for (Task<Integer> t : tasks) {
          out.add(t.await());
        }
        assertThat(v.get()).isEqualTo(-1); // main's own context was never touched
        return out;
      });
      Integer[] expected = new Integer[100];
      Arrays.setAll(expected, i -> i);
      assertThat(results).containsExactly(expected);
    }

    @Test
    void ctx02_afterTheLoopTheOuterContextStillHoldsTheDefault() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      new Context().run(() -> {
        runVirtual(() -> {
          v.set("main");
          Weft.createTask(() -> {
            v.set("child");
          }).await();
          return null;
        });
        assertThat(v.get()).isEqualTo("default");
        assertThat(Context.current().contains(v)).isFalse();
      });
    }

    @Test
    void ctx04_createTaskWithAContext_sharesIt_soTheCallerSeesNullThen1Then2() {
      ContextVar<Integer> v = new ContextVar<>("cvar");
      List<Integer> ret = runVirtual(() -> {
        List<Integer> out = new ArrayList<>();
        Context ctx = Context.copyCurrent();
        out.add(ctx.get(v));
        EventLoop loop = Weft.getRunningLoop();
        Task<Void> t1 = loop.createTask(() -> {
          Weft.sleep(Duration.ZERO);
          v.set(1);
          return null;
        }, null, ctx);
        assertThat(t1.getContext()).isSameAs(ctx);
        t1.await();
        out.add(ctx.get(v));
        Task<Void> t2 = Weft.createTask(() -> {
          Weft.sleep(Duration.ZERO);
          v.set(2);
          return null;
        }, null, ctx);
        t2.await();
        out.add(ctx.get(v));
        assertThat(v.get(null)).isNull(); // main's context is not ctx
        return out;
      });
      assertThat(ret).containsExactly(null, 1, 2);
    }

    @Test
    void ctx04_twoTasksSharingAContext_seeEachOthersSets() {
      ContextVar<String> v = new ContextVar<>("v", "unset");
      List<String> seen = runVirtual(() -> {
        Context shared = new Context();
        List<String> out = new ArrayList<>();
        Task<Void> writer = Weft.createTask(() -> {
          v.set("written");
          return null;
        }, "writer", shared);
        Task<Void> reader = Weft.createTask(() -> {
          out.add(v.get());
          Weft.sleep(Duration.ZERO);
          out.add(v.get());
          return null;
        }, "reader", shared);
        writer.await();
        reader.await();
        return out;
      });
      // writer's first step runs before reader's: reader already sees the value at its start
      assertThat(seen).containsExactly("written", "written");
    }

    @Test
    void task_withoutAContext_getsACopy_notTheCreatorsContext() {
      runVirtual(() -> {
        Task<?> t = Weft.createTask(() -> null);
        assertThat(t.getContext()).isNotSameAs(Context.current());
        t.await();
        return null;
      });
    }

    @Test
    void contextRun_insideATask_switchesContext_andTheSwitchSurvivesAnAwaitInsideIt() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      List<String> seen = runVirtual(() -> {
        List<String> out = new ArrayList<>();
        v.set("task");
        Context own = Context.current();
        Context other = new Context();
        Task<Void> bystander = Weft.createTask(() -> {
          out.add("bystander:" + v.get());
          return null;
        });
        other.run(() -> {
          v.set("other");
          Weft.sleep(Duration.ZERO); // the bystander runs meanwhile
          out.add("inside run after await:" + v.get());
          assertThat(Context.current()).isSameAs(other);
        });
        out.add("after run:" + v.get());
        assertThat(Context.current()).isSameAs(own);
        bystander.await();
        return out;
      });
      assertThat(seen).containsExactly("bystander:task", "inside run after await:other", "after run:task");
    }

    @Test
    void contextRun_ofTheRunningTasksOwnContext_throwsIllegalState_asInAsyncio() {
      // asyncio runs each task step inside task_context.run(step), so entering it again raises RuntimeError
      // ("cannot enter context: ... is already entered"). The running task's context counts as entered.
      Throwable thrown = runVirtual(() -> catchThrowable(() -> Task.current().getContext().run(() -> {})));
      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("already entered");
    }
  }

  @Nested
  class Callbacks {

    @Test
    void ctx05_callSoonByDefault_runsInACopyTakenAtScheduling_soSetsDoNotLeak() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      List<String> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<String> out = new ArrayList<>();
        v.set("1");
        loop.callSoon(() -> {
          out.add("cb1 saw " + v.get());
          v.set("set by cb1");
          loop.callSoon(() -> out.add("cb3 (scheduled by cb1) saw " + v.get()));
        });
        v.set("3");
        loop.callSoon(() -> out.add("cb2 saw " + v.get()));
        Weft.sleep(Duration.ZERO);
        Weft.sleep(Duration.ZERO);
        out.add("task sees " + v.get());
        return out;
      });
      assertThat(seen).containsExactly(
          "cb1 saw 1", "cb2 saw 3", "cb3 (scheduled by cb1) saw set by cb1", "task sees 3");
    }

    @Test
    void ctx05_eachHandleGetsItsOwnCopy() {
      runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        Handle a = loop.callSoon(() -> {});
        Handle b = loop.callSoon(() -> {});
        TimerHandle c = loop.callLater(Duration.ofMillis(1), () -> {});
        assertThat(a.context()).isNotSameAs(b.context()).isNotSameAs(Context.current());
        assertThat(c.context()).isNotSameAs(a.context()).isNotSameAs(Context.current());
        return null;
      });
    }

    @Test
    void ctx05_callSoonWithAContext_runsInIt_andItsSetsLandThere() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      Context ctx = new Context();
      List<Object> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Object> out = new ArrayList<>();
        Handle h = loop.callSoon(() -> {
          out.add(Context.current());
          v.set("from callback");
        }, ctx);
        assertThat(h.context()).isSameAs(ctx);
        Weft.sleep(Duration.ZERO);
        out.add(v.get());
        return out;
      });
      assertThat(seen).containsExactly(ctx, "default");
      assertThat(ctx.get(v)).isEqualTo("from callback");
    }

    @Test
    void ctx05_callLaterAndCallAtWithAContext_runInIt() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      Context later = new Context();
      Context at = new Context();
      List<String> order = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<String> out = new ArrayList<>();
        loop.callLater(Duration.ofMillis(10), () -> {
          out.add("later in own ctx: " + (Context.current() == later));
          v.set("later");
        }, later);
        loop.callAt(loop.time() + 0.02, () -> {
          out.add("at in own ctx: " + (Context.current() == at));
          v.set("at");
        }, at);
        Weft.sleep(Duration.ofMillis(30));
        out.add("task: " + v.get());
        return out;
      });
      assertThat(order).containsExactly("later in own ctx: true", "at in own ctx: true", "task: default");
      assertThat(later.get(v)).isEqualTo("later");
      assertThat(at.get(v)).isEqualTo("at");
    }

    @Test
    void ctx05_callLaterByDefault_usesTheValueAtScheduling_notAtRunning() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      List<String> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<String> out = new ArrayList<>();
        v.set("at scheduling");
        loop.callLater(Duration.ofMillis(5), () -> out.add("callLater: " + v.get()));
        loop.callAt(loop.time() + 0.005, () -> out.add("callAt: " + v.get()));
        v.set("changed later");
        Weft.sleep(Duration.ofMillis(10));
        return out;
      });
      assertThat(seen).containsExactly("callLater: at scheduling", "callAt: at scheduling");
    }

    @Test
    void callSoon_beforeTheLoopRuns_copiesTheSchedulingThreadsContext() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      EventLoop loop = EventLoop.createVirtual();
      try {
        List<String> seen = new ArrayList<>();
        new Context().run(() -> {
          v.set("scheduler");
          loop.callSoon(() -> {
            seen.add(v.get());
            v.set("callback");
            loop.stop();
          });
        });
        loop.runForever();
        assertThat(seen).containsExactly("scheduler");
      } finally {
        loop.close();
      }
    }

    @Test
    @Timeout(10)
    void callSoonThreadsafe_fromAnotherThread_copiesThatThreadsContext_orUsesTheGivenOne() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      Context given = new Context();
      List<Object> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        Future<String> copied = loop.createFuture();
        Future<Context> explicit = loop.createFuture();
        Thread.ofPlatform().start(() -> {
          v.set("other thread");
          loop.callSoonThreadsafe(() -> copied.setResult(v.get()));
          loop.callSoonThreadsafe(() -> explicit.setResult(Context.current()), given);
        });
        return List.of(copied.await(), explicit.await());
      });
      assertThat(seen).containsExactly("other thread", given);
    }

    @Test
    void addDoneCallback_withAContext_runsInThatContext() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      Context ctx = new Context();
      ctx.run(() -> v.set("ctx value"));
      List<Object> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<Object> out = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(fut -> {
          out.add(Context.current());
          out.add(v.get());
          v.set("changed by callback");
        }, ctx);
        f.setResult("x");
        Weft.sleep(Duration.ZERO);
        // already done: the callback is scheduled at once, still in the given context
        f.addDoneCallback(fut -> out.add(v.get()), ctx);
        Weft.sleep(Duration.ZERO);
        return out;
      });
      assertThat(seen).containsExactly(ctx, "ctx value", "changed by callback");
    }

    @Test
    void addDoneCallback_byDefault_runsInACopyOfTheContextAtRegistration() {
      ContextVar<String> v = new ContextVar<>("v", "default");
      List<String> seen = runVirtual(() -> {
        EventLoop loop = Weft.getRunningLoop();
        List<String> out = new ArrayList<>();
        Future<String> f = loop.createFuture();
        v.set("at registration");
        f.addDoneCallback(fut -> {
          out.add(v.get());
          v.set("set in callback");
        });
        v.set("at completion");
        f.setResult("x");
        Weft.sleep(Duration.ZERO);
        out.add(v.get());
        return out;
      });
      assertThat(seen).containsExactly("at registration", "at completion");
    }

    @Test
    void contextRun_ofTheContextACallbackRunsIn_throwsIllegalState_asInAsyncio() {
      // asyncio's Handle._run is self._context.run(callback): the handle's context is entered while it runs.
      Context ctx = new Context();
      Throwable thrown = runVirtual(() -> {
        Future<Throwable> f = Weft.getRunningLoop().createFuture();
        Weft.getRunningLoop().callSoon(() -> f.setResult(catchThrowable(() -> ctx.run(() -> {}))), ctx);
        return f.await();
      });
      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("already entered");
    }
  }
}
