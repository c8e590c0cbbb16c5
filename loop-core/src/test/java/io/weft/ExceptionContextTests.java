package io.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExceptionContextTests {

  @Test
  void extras_keepTheirInsertionOrder_soReportsReadTheSameInEveryRun() {
    Map<String, Object> extras = new LinkedHashMap<>();
    for (String k : new String[] {"zeta", "alpha", "mu", "beta", "omega", "kappa", "delta"}) {
      extras.put(k, k.length());
    }
    ExceptionContext c = new ExceptionContext("m", null, null, null, null, extras).with("last", 1);
    assertThat(c.extras().keySet()).containsExactly("zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "last");
    assertThat(c.format()).contains("zeta: 4\nalpha: 5");
  }

  @Test
  void extras_areReadOnly() {
    ExceptionContext c = ExceptionContext.of("m", null).with("k", "v");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.extras().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
