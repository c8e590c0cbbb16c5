package io.weft.fault;

/**
 * Evaluates failpoints as a production program would, for {@link ProductionFailpointsTests} to run in a JVM of its own
 * with or without {@code -Dweft.failpoints}: prints whether they are on, how many of 1,000 {@code cache.fill}
 * evaluations returned early and a hash of their order, and what {@code db.commit} did.
 */
public final class FailpointsForkedMain {

  private FailpointsForkedMain() {}

  /** Runs the evaluations. */
  public static void main(String[] args) {
    try {
      System.out.println("enabled=" + Failpoints.enabledInProduction());
    } catch (ExceptionInInitializerError e) {
      System.out.println("error=" + e.getCause().getMessage());
      return;
    }
    StringBuilder order = new StringBuilder();
    int returns = 0;
    for (int i = 0; i < 1_000; i++) {
      boolean r = Failpoints.returnEarly("cache.fill");
      order.append(r ? '1' : '0');
      returns += r ? 1 : 0;
    }
    System.out.println("returns=" + returns);
    System.out.println("order=" + order.toString().hashCode());
    try {
      Failpoints.eval("db.commit");
      System.out.println("commit=ok");
    } catch (Exception e) {
      System.out.println("commit=" + e);
    }
  }
}
