package io.weft.examples.bank;

import java.util.Map;
import java.util.TreeMap;

/**
 * Accounts with a check-then-act across an await: the bug this example is about. {@link #transfer} reads the
 * balance, records the transfer in the {@link AuditLog} (an await), then writes the balance it read minus the amount.
 * A second transfer from the same account that starts while the first waits for the audit reads the same old
 * balance: money is created and an account can be overdrawn. Under asyncio's plain order the audit takes no time and
 * the second transfer never falls in that window; it does when the loop is slow for a moment.
 * {@link Bank} is the fixed version.
 */
public final class RacyBank implements Accounts {

  private final Map<String, Long> balances = new TreeMap<>();
  private final AuditLog audit;

  /** A bank writing to {@code audit}. */
  public RacyBank(AuditLog audit) {
    this.audit = audit;
  }

  /** Opens an account with a balance. */
  @Override
  public void open(String account, long balance) {
    balances.put(account, balance);
  }

  /** Moves {@code amount} from one account to another if the balance covers it; returns whether it did. */
  @Override
  public boolean transfer(String from, String to, long amount) {
    long balance = balances.get(from);
    if (balance < amount) {
      return false;
    }
    audit.record(from + " -> " + to + ": " + amount);
    balances.put(from, balance - amount); // the balance read before the await: stale if another transfer ran
    balances.merge(to, amount, Long::sum);
    return true;
  }

  /** The balance of an account. */
  @Override
  public long balance(String account) {
    return balances.get(account);
  }

  /** The sum of all balances, which transfers must not change. */
  @Override
  public long total() {
    return balances.values().stream().mapToLong(Long::longValue).sum();
  }
}
