package io.weft;

import io.weft.internal.Kernel;
import io.weft.internal.SimHooks;
import io.weft.spi.VirtualClock;
import io.weft.spi.VirtualPoller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The kernel operations published to the module's other packages through {@link Kernel}. */
final class KernelImpl implements Kernel {

  @Override
  public EventLoop newSimulatedLoop(VirtualClock clock, VirtualPoller poller, io.weft.spi.Network network,
      SimHooks hooks, boolean debug) {
    return EventLoop.builder().clock(clock).poller(poller).network(network).debug(debug).sim(hooks).build();
  }

  @Override
  public Handle networkTimer(EventLoop loop, long delayNanos, Runnable delivery, long event) {
    return loop.networkTimer(delayNanos, delivery, event);
  }

  @Override
  public void warn(EventLoop loop, String message) {
    loop.warn(message);
  }

  @Override
  public long owner(Handle handle) {
    return EventLoop.simOwner(handle);
  }

  @Override
  public long taskId(Task<?> task) {
    return task.id();
  }

  @Override
  public Task<?> steppingTask(EventLoop loop) {
    return loop.steppingTask;
  }

  @Override
  public Thread loopThread(EventLoop loop) {
    return loop.carrier.loopThread();
  }

  @Override
  public boolean handsBackBlocked(EventLoop loop) {
    return loop.carrier.handsBackBlocked();
  }

  @Override
  public int chooseFault(EventLoop loop, double[] weights, java.util.function.IntFunction<String> describe) {
    return loop.sim == null ? 0 : loop.sim.chooseFault(weights, describe);
  }

  @Override
  public <T> T attachment(EventLoop loop, Class<T> key, java.util.function.Supplier<? extends T> make) {
    return key.cast(loop.attachments.computeIfAbsent(key, k -> make.get()));
  }

  @Override
  public EventLoop.RealWork beginQuietRealWork(EventLoop loop, String description) {
    EventLoop.RealWork work = loop.beginRealWork(description);
    if (work instanceof RealWorkItem item) {
      item.mayBeQuiet = true;
    }
    return work;
  }

  @Override
  public EventLoop.RealWork beginFedRealWork(EventLoop loop, String description,
      io.weft.internal.WorkFeed feed) {
    if (loop.sim == null) {
      throw new IllegalArgumentException("a fed real work is for a simulated loop; " + loop + " is not one");
    }
    RealWorkItem item = (RealWorkItem) beginQuietRealWork(loop, description);
    item.feedFrom(feed);
    return item;
  }

  @Override
  public boolean simulated(EventLoop loop) {
    return loop.sim != null;
  }

  @Override
  public void onClose(EventLoop loop, Runnable hook) {
    loop.closeHooks.add(java.util.Objects.requireNonNull(hook, "hook"));
  }

  @Override
  public Thread.State threadState(Task<?> task) {
    return task.threadState();
  }

  @Override
  public List<Map.Entry<String, Throwable>> unretrievedExceptions(EventLoop loop) {
    return loop.tasks.unretrieved();
  }

  @Override
  public void forgetUnretrieved(EventLoop loop) {
    loop.tasks.forgetUnretrieved();
  }

  @Override
  public int collectGarbage(EventLoop loop) {
    return loop.gcReports.collectNow(2);
  }

  @Override
  public boolean isGeneratorWork(Task<?> task) {
    return task.generatorBody;
  }

  @Override
  public AsyncRunnable asyncGeneratorShutdown(EventLoop loop) {
    return loop.asyncGenerators.anyOpen() ? loop.asyncGenerators::shutdown : null;
  }

  @Override
  public long executorWorkNanos(EventLoop loop) {
    return loop.sim == null ? -1 : loop.sim.executorWorkNanos();
  }

  @Override
  public List<String> pendingTimers(EventLoop loop) {
    return loop.pendingTimers();
  }

  @Override
  public Task<?> steppedTask(Handle handle) {
    return handle.steppedTask();
  }

  @Override
  public String timerSite(Handle handle) {
    return handle instanceof TimerHandle t ? t.loop.simTimerSite(t) : null;
  }

  @Override
  public String describeCallback(Handle handle) {
    if (handle instanceof Future.Callback<?> c) {
      return "a done callback of " + c.future.getClass().getSimpleName();
    }
    Object cb = handle.callback;
    if (cb == null) {
      return "a callback";
    }
    String name = cb.getClass().getName();
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) {
      name = name.substring(0, lambda);
    }
    return "a callback (" + name.substring(name.lastIndexOf('.') + 1) + ")";
  }

  @Override
  public void noteWaiter(Future<?> waiter, Object guard) {
    if (waiter.loop.sim != null) {
      waiter.loop.simWaitTargets.put(waiter, guard);
    }
  }

  @Override
  public Object waitTarget(Future<?> waiter) {
    return waiter.loop.simWaitTargets.get(waiter);
  }

  @Override
  public List<Future<?>> children(Future<?> future) {
    return future instanceof GatheringFuture<?> g ? g.children() : new ArrayList<>();
  }
}
