package io.weft;

import io.weft.internal.ContextMap;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A variable whose value depends on the {@link Context} the code runs in: Python's {@code contextvars.ContextVar}.
 *
 * <p>Values may be null. {@link #set} changes the current context only, and returns a {@link Token} that
 * {@link #reset} uses to restore the previous value.
 *
 * @param <T> the type of the variable's values
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class ContextVar<T> {

  private final String name;
  private final Object defaultValue;

  /** Creates a variable with no default: {@link #get()} throws until a value is set. */
  public ContextVar(String name) {
    this.name = Objects.requireNonNull(name, "name must not be null");
    this.defaultValue = ContextMap.MISSING;
  }

  /** Creates a variable whose {@link #get()} returns {@code defaultValue} (may be null) until a value is set. */
  public ContextVar(String name, T defaultValue) {
    this.name = Objects.requireNonNull(name, "name must not be null");
    this.defaultValue = defaultValue;
  }

  /** Returns the variable's name. */
  public String name() {
    return name;
  }

  /**
   * Returns the value in the current context, else the variable's default.
   *
   * @throws NoSuchElementException if there is neither
   */
  public T get() {
    Object v = Context.current().map.get(this);
    if (v == ContextMap.MISSING) {
      v = defaultValue;
      if (v == ContextMap.MISSING) {
        throw new NoSuchElementException("ContextVar '" + name + "' has no value and no default");
      }
    }
    @SuppressWarnings("unchecked")
    T t = (T) v;
    return t;
  }

  /** Returns the value in the current context, else {@code fallback} (the variable's default is not consulted). */
  public T get(T fallback) {
    Object v = Context.current().map.get(this);
    @SuppressWarnings("unchecked")
    T t = v == ContextMap.MISSING ? fallback : (T) v;
    return t;
  }

  /** Sets the value in the current context and returns a token that can {@link #reset} it. */
  public Token<T> set(T value) {
    Context ctx = Context.current();
    Object old = ctx.map.get(this);
    ctx.map = ctx.map.with(this, value);
    return new Token<>(this, old, ctx);
  }

  /**
   * Restores the value this variable had before the {@link #set} that returned {@code token}.
   *
   * @throws IllegalStateException if the token was already used
   * @throws IllegalArgumentException if the token belongs to another variable or was created in another context
   */
  public void reset(Token<T> token) {
    Objects.requireNonNull(token, "token must not be null");
    if (token.used) {
      throw new IllegalStateException(token + " has already been used once");
    }
    if (token.var != this) {
      throw new IllegalArgumentException(token + " was created by a different ContextVar than " + this);
    }
    Context ctx = Context.current();
    if (token.context != ctx) {
      throw new IllegalArgumentException(token + " was created in a different Context");
    }
    token.used = true;
    ctx.map = ctx.map.with(this, token.oldValue);
  }

  @Override
  public String toString() {
    return "ContextVar[" + name + (defaultValue == ContextMap.MISSING ? "" : ", default=" + defaultValue) + "]";
  }

  /**
   * A receipt for one {@link ContextVar#set}, usable once to {@link ContextVar#reset} the variable.
   *
   * @param <T> the variable's value type
   */
  @Api(status = Api.Status.STABLE, since = "0.1")
  public static final class Token<T> {
    private final ContextVar<T> var;
    private final Object oldValue;
    private final Context context;
    private boolean used;

    private Token(ContextVar<T> var, Object oldValue, Context context) {
      this.var = var;
      this.oldValue = oldValue;
      this.context = context;
    }

    /** Returns the variable this token was created by. */
    public ContextVar<T> var() {
      return var;
    }

    /** Returns whether the variable had a value before the set. */
    public boolean hadOldValue() {
      return oldValue != ContextMap.MISSING;
    }

    /** Returns the value before the set, or null if there was none. */
    @SuppressWarnings("unchecked")
    public T oldValue() {
      return oldValue == ContextMap.MISSING ? null : (T) oldValue;
    }

    @Override
    public String toString() {
      return "Token[var=" + var.name + (used ? ", used" : "") + "]";
    }
  }
}
