/** Runnable Weft programs; the README's main job lives here. */
module io.weft.examples {
  requires io.weft.core;
  requires io.weft.testengine;
  requires org.junit.jupiter.api;
  requires org.junit.platform.launcher;
  opens io.weft.examples.bank to org.junit.platform.commons;
  opens io.weft.examples.echo to org.junit.platform.commons;
  opens io.weft.examples.chat to org.junit.platform.commons;
  opens io.weft.examples.kv to org.junit.platform.commons;
  exports io.weft.examples;
  exports io.weft.examples.bank;
  exports io.weft.examples.echo;
  exports io.weft.examples.chat;
  exports io.weft.examples.kv;
  exports io.weft.examples.jfr;
}
