package io.weft.testengine;

import io.weft.Api;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that runs inside the simulated loop, on the main task, after the test method of every run of
 * every {@link AsyncTest} method of the class: each schedule, each shrinking run and each self-check run.
 *
 * <p>Use it for what must live on the test's loop: a server the test talks to, a connection pool, a background
 * task. {@code @BeforeEach}/{@code @AfterEach} run on JUnit's thread, outside any loop, so they cannot create tasks.
 * The method may be static or not, must not be private, and may declare parameters of type
 * {@link io.weft.EventLoop}, {@link io.weft.spi.VirtualClock}, {@link io.weft.sim.Simulation} and
 * {@link io.weft.sim.Schedule} only. Subclass methods run first, and a {@code @Nested} class's methods before those
 * of its enclosing classes; they run even if the test failed, and
 * an exception is added to the test's failure as suppressed (or is the failure if the test passed).
 * Everything it does is part of the run: its steps, timers and choices are in the schedule and the trace.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public @interface AsyncAfterEach {}
