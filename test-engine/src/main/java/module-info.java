/**
 * {@code @AsyncTest}: Weft's JUnit Jupiter extension for exploring schedules, shrinking failures and replaying them.
 * The engine arrives with the simulator (see the project's issues); this module holds the place in the build.
 */
module io.weft.testengine {
  requires transitive io.weft.core;
  requires io.weft.fault;
  requires org.junit.jupiter.api;
}
