package io.weft.examples.bank;

import io.weft.Task;
import io.weft.Weft;
import java.time.Duration;
import java.util.function.Function;

/**
 * The scenario both banks are tested with: Alice has 100; her rent (80) is paid now, and a card payment (60) arrives
 * 0.2 ms later. At most one can go through, and no money may appear or vanish. Run it as the main task of a loop.
 */
public final class Payday {

  private Payday() {}

  /** Runs the scenario against {@link RacyBank}; throws an AssertionError if money appeared or Alice is overdrawn. */
  public static void racy() {
    run(RacyBank::new);
  }

  /** Runs the scenario against {@link Bank}, the fixed version. */
  public static void fixed() {
    run(Bank::new);
  }

  /** Runs the scenario against the bank {@code newBank} makes around the audit log. */
  public static void run(Function<AuditLog, Accounts> newBank) {
    try (AuditLog audit = new AuditLog()) {
      Accounts bank = newBank.apply(audit);
      bank.open("alice", 100);
      bank.open("landlord", 0);
      bank.open("shop", 0);
      Task<Boolean> card = Weft.createTask(() -> {
        Weft.sleep(Duration.ofNanos(200_000));
        return bank.transfer("alice", "shop", 60);
      }, "card", null);
      Task<Boolean> rent = Weft.createTask(() -> bank.transfer("alice", "landlord", 80), "rent", null);
      check(rent.await(), card.await(), bank.balance("alice"), bank.total());
    }
  }

  private static void check(boolean rentPaid, boolean cardPaid, long alice, long total) {
    String broken = total != 100 ? "money appeared: the bank holds " + total + " (expected 100)"
        : alice < 0 ? "alice is overdrawn: " + alice
        : rentPaid && cardPaid ? "both payments went through on a balance that covers one" : null;
    if (broken != null) {
      throw new AssertionError(broken + " (rent paid=" + rentPaid + ", card paid=" + cardPaid + ", alice has " + alice
          + ")");
    }
  }
}
