package io.weft.testengine;

import io.weft.Api;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that runs inside the simulated loop, on the main task, before the test method of every run of
 * every {@link AsyncTest} method of the class: each schedule, each shrinking run and each self-check run.
 *
 * <p>Use it for what must live on the test's loop: a server the test talks to, a connection pool, a background
 * task. {@code @BeforeEach}/{@code @AfterEach} run on JUnit's thread, outside any loop, so they cannot create tasks.
 * The method may be static or not, must not be private, and may declare parameters of type
 * {@link io.weft.EventLoop}, {@link io.weft.spi.VirtualClock}, {@link io.weft.sim.Simulation} and
 * {@link io.weft.sim.Schedule} only. Superclass methods run first, and an enclosing class's methods before those of
 * its {@code @Nested} classes; an exception fails the run and the test method does not run.
 * Everything it does is part of the run: its steps, timers and choices are in the schedule and the trace.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public @interface AsyncBeforeEach {}
