package io.weft.examples.bank;

import io.weft.sync.Lock;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link RacyBank} fixed: each account has an {@link io.weft.sync.Lock}, held from the balance check to the write, so
 * a second transfer from the same account waits for the first to finish instead of reading a stale balance.
 */
public final class Bank implements Accounts {

  private final Map<String, Long> balances = new TreeMap<>();
  private final Map<String, Lock> locks = new TreeMap<>();
  private final AuditLog audit;

  /** A bank writing to {@code audit}. */
  public Bank(AuditLog audit) {
    this.audit = audit;
  }

  /** Opens an account with a balance. */
  @Override
  public void open(String account, long balance) {
    balances.put(account, balance);
    locks.put(account, new Lock());
  }

  /** Moves {@code amount} from one account to another if the balance covers it; returns whether it did. */
  @Override
  public boolean transfer(String from, String to, long amount) {
    try (Lock.Held held = locks.get(from).hold()) {
      long balance = balances.get(from);
      if (balance < amount) {
        return false;
      }
      audit.record(from + " -> " + to + ": " + amount);
      // Debit by the amount, not by writing back the balance read before the await: a transfer *into* this account
      // may have landed meanwhile (the lock covers only transfers out of it).
      balances.merge(from, -amount, Long::sum);
      balances.merge(to, amount, Long::sum);
      return true;
    }
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
