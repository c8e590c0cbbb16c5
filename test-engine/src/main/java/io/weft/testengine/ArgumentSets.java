package io.weft.testengine;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/** Reads the argument sets of an {@link AsyncArguments} factory; a method without it has one empty set. */
final class ArgumentSets {

  private static final int DESCRIBED_CHARS = 60;

  private ArgumentSets() {}

  /**
   * The argument sets of {@code method}: one empty set without {@link AsyncArguments}.
   *
   * @throws ExtensionConfigurationException naming the factory, if it cannot be found or called, returns something
   *     that is not a stream, iterable, iterator or array, returns no element, or gives more arguments than the test
   *     method has parameters
   */
  static List<Object[]> of(Method method, Class<?> testClass) {
    AsyncArguments a = AnnotationSupport.findAnnotation(method, AsyncArguments.class).orElse(null);
    if (a == null) {
      return List.<Object[]>of(new Object[0]);
    }
    Method factory = factory(a.value(), testClass);
    Object produced = ReflectionSupport.invokeMethod(factory, null);
    List<Object[]> sets = new ArrayList<>();
    for (Object element : elements(produced, factory)) {
      Object[] args = element instanceof Object[] arr ? arr.clone() : new Object[] {element};
      if (args.length > method.getParameterCount()) {
        throw new ExtensionConfigurationException("@AsyncArguments(\"" + a.value() + "\") gave " + args.length
            + " argument(s) " + Arrays.deepToString(args) + " but " + method.getName() + " has only "
            + method.getParameterCount() + " parameter(s)");
      }
      sets.add(args);
    }
    if (sets.isEmpty()) {
      throw new ExtensionConfigurationException("@AsyncArguments(\"" + a.value() + "\") gave no argument set: " + factory
          + " must return at least one element");
    }
    return sets;
  }

  /**
   * The argument set {@code index} of {@code method}, made anew by calling the factory again: every run gets objects
   * of its own, so what one run does to a mutable argument is not seen by the next (as with the test instance).
   *
   * @throws ExtensionConfigurationException naming the factory, if it fails or now gives no set {@code index}
   */
  static Object[] fresh(Method method, Class<?> testClass, int index) {
    List<Object[]> sets = of(method, testClass);
    if (index >= sets.size()) {
      throw new ExtensionConfigurationException("@AsyncArguments of " + method.getName() + " gave " + sets.size()
          + " argument set(s) when called again, but set " + index + " was planned: the factory must give the same"
          + " sets every time it is called");
    }
    return sets.get(index);
  }

  /** {@code (a: x, y)}, cut to a readable length. */
  static String describe(int index, Object[] args) {
    String text = Arrays.stream(args).map(o -> o instanceof Object[] arr ? Arrays.deepToString(arr)
        : String.valueOf(o)).collect(Collectors.joining(", "));
    if (text.length() > DESCRIBED_CHARS) {
      text = text.substring(0, DESCRIBED_CHARS - 1) + "…";
    }
    return "(" + index + ": " + text + ")";
  }

  private static Method factory(String name, Class<?> testClass) {
    Class<?> owner = testClass;
    String methodName = name.strip();
    int hash = methodName.indexOf('#');
    if (hash >= 0) {
      String className = methodName.substring(0, hash);
      methodName = methodName.substring(hash + 1);
      owner = ReflectionSupport.tryToLoadClass(className).toOptional().orElseThrow(() ->
          new ExtensionConfigurationException("@AsyncArguments(\"" + name + "\"): no class '" + className + "'"));
    }
    String wanted = methodName;
    List<Method> found = ReflectionSupport.findMethods(owner, m -> m.getName().equals(wanted)
        && m.getParameterCount() == 0, HierarchyTraversalMode.BOTTOM_UP);
    if (found.isEmpty()) {
      throw new ExtensionConfigurationException("@AsyncArguments(\"" + name + "\"): " + owner.getName() + " has no"
          + " method '" + wanted + "' without parameters");
    }
    Method m = found.get(0);
    if (!Modifier.isStatic(m.getModifiers())) {
      throw new ExtensionConfigurationException("@AsyncArguments(\"" + name + "\"): " + m + " must be static");
    }
    return m;
  }

  private static Iterable<?> elements(Object produced, Method factory) {
    if (produced instanceof Stream<?> s) {
      try (s) {
        return s.toList();
      }
    }
    if (produced instanceof Iterable<?> it) {
      return it;
    }
    if (produced instanceof Iterator<?> it) {
      List<Object> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
    if (produced != null && produced.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(produced); i++) {
        out.add(Array.get(produced, i));
      }
      return out;
    }
    throw new ExtensionConfigurationException(factory + " must return a Stream, Iterable, Iterator or array, got "
        + (produced == null ? "null" : produced.getClass().getName()));
  }
}
