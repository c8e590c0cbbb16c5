package io.weft.examples.bank;

/** What the payday scenario needs of a bank; {@link RacyBank} and {@link Bank} differ only in {@code transfer}. */
public interface Accounts {

  /** Opens an account with a balance. */
  void open(String account, long balance);

  /** Moves {@code amount} from one account to another if the balance covers it; returns whether it did. */
  boolean transfer(String from, String to, long amount);

  /** The balance of an account. */
  long balance(String account);

  /** The sum of all balances, which transfers must not change. */
  long total();
}
