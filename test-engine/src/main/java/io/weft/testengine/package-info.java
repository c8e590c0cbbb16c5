/**
 * {@link io.weft.testengine.AsyncTest @AsyncTest}: a JUnit Jupiter test template that runs a method as the main task
 * of a simulated loop under many schedules, shrinks a failing schedule toward asyncio's own order
 * ({@link io.weft.testengine.Shrinker}), reports it with the line that replays it
 * ({@link io.weft.testengine.AsyncTestFailure}), and keeps it in a regression file that later runs replay first
 * ({@link io.weft.testengine.RegressionDatabase}).
 */
package io.weft.testengine;
