/** Runnable Weft programs; the README's main job lives here. */
module io.weft.examples {
  requires io.weft.core;
  exports io.weft.examples;
  exports io.weft.examples.bank;
}
