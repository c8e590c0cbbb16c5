package io.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public surface of {@code io.weft.core}, read from the compiled module descriptor and the compiled classes
 * (after Trio's {@code test_exports.py} and JUnit's {@code @API} checks): the module exports exactly the facade and
 * the SPI, every public type there says how stable it is, and nothing internal leaks through a public signature.
 */
class PublicApiTests {

  private static Path classesDir;
  private static ModuleDescriptor descriptor;

  @BeforeAll
  static void readModule() throws IOException, URISyntaxException {
    // target/classes of loop-core, wherever the build runs from.
    classesDir = Path.of(Api.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(classesDir.resolve("module-info.class")).as("compiled module descriptor").exists();
    try (InputStream in = Files.newInputStream(classesDir.resolve("module-info.class"))) {
      descriptor = ModuleDescriptor.read(in);
    }
  }

  private static Set<String> exportedPackages() {
    return descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
  }

  /** Every class compiled into the module, by binary name, in a stable order. */
  private static List<String> allClassNames() throws IOException {
    try (Stream<Path> files = Files.walk(classesDir)) {
      return files
          .filter(p -> p.toString().endsWith(".class"))
          .map(p -> classesDir.relativize(p).toString())
          .filter(rel -> !rel.equals("module-info.class") && !rel.endsWith("package-info.class"))
          .map(rel -> rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.'))
          .sorted()
          .toList();
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublicApiTests.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError("compiled class cannot be loaded: " + name, e);
    }
  }

  /** Public types users can reach: public, and (for nested types) inside public types all the way out. */
  private static boolean isAccessiblePublicType(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static List<Class<?>> exportedPublicTypes() throws IOException {
    Set<String> exported = exportedPackages();
    List<Class<?>> out = new ArrayList<>();
    for (String name : allClassNames()) {
      Class<?> c = load(name);
      if (exported.contains(c.getPackageName()) && isAccessiblePublicType(c)) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void module_isNamedIoWeftCore_andExportsExactlyTheFacadeAndTheSpi() {
    assertThat(descriptor.name()).isEqualTo("io.weft.core");
    assertThat(exportedPackages()).containsExactlyInAnyOrder("io.weft", "io.weft.spi", "io.weft.sync", "io.weft.sim",
        "io.weft.sim.net", "io.weft.net", "io.weft.net.tls", "io.weft.time", "io.weft.thread", "io.weft.signal",
        "io.weft.process");
  }

  @Test
  void module_exportsAreUnqualified_andItOpensNothing() {
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.isOpen()).isFalse();
  }

  @Test
  void module_requiresOnlyTheJdkBase_jdkUnsupportedForSignals_andTheFlightRecorderOptionally() {
    Set<String> required = descriptor.requires().stream()
        .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    assertThat(required).containsExactlyInAnyOrder("java.base", "jdk.unsupported"); // sun.misc.Signal
    Set<String> optional = descriptor.requires().stream()
        .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
    assertThat(optional).as("requires static: only the JFR events, which are never recorded without it")
        .containsExactly("jdk.jfr");
  }

  @Test
  void noExportedPackage_isNamedInternal() {
    assertThat(exportedPackages()).noneMatch(p -> p.contains("internal"));
  }

  @Test
  void everyPackageThatIsNotExported_isAnInternalPackage() throws IOException {
    Set<String> packages = new TreeSet<>();
    for (String name : allClassNames()) {
      packages.add(load(name).getPackageName());
    }
    assertThat(packages).containsAll(exportedPackages());
    Set<String> hidden = new TreeSet<>(packages);
    hidden.removeAll(exportedPackages());
    assertThat(hidden).allSatisfy(p -> assertThat(p).as("non-exported package").contains(".internal"));
  }

  @Test
  void everyPublicTypeInAnExportedPackage_includingNestedOnes_carriesApi() throws IOException {
    List<Class<?>> types = exportedPublicTypes();
    // The scan must see the facade's main types and nested public ones, or it proves nothing.
    assertThat(types).contains(EventLoop.class, Task.class, Future.class, Weft.class, Runner.class,
        ContextVar.Token.class, EventLoop.Builder.class, EventLoop.ShutdownHook.class, Task.Phase.class);
    assertThat(types).anyMatch(c -> c.getPackageName().equals("io.weft.spi"));
    List<String> missing = types.stream()
        .filter(c -> c.getAnnotation(Api.class) == null)
        .map(Class::getName)
        .toList();
    assertThat(missing).as("public types without @io.weft.Api").isEmpty();
  }

  @Test
  void everyApiAnnotation_namesAVersion() throws IOException {
    for (Class<?> c : exportedPublicTypes()) {
      Api api = c.getAnnotation(Api.class);
      if (api != null) {
        assertThat(api.since()).as("@Api(since) on %s", c.getName()).matches("\\d+\\.\\d+(\\.\\d+)?");
        assertThat(api.status()).as("@Api(status) on %s", c.getName()).isNotNull();
      }
    }
  }

  @Test
  void apiAnnotation_isKeptAtRuntime_soTheseChecksCanSeeIt() {
    assertThat(Api.class.getAnnotation(java.lang.annotation.Retention.class).value())
        .isEqualTo(java.lang.annotation.RetentionPolicy.RUNTIME);
  }

  @Test
  void noInternalType_appearsInAPublicSignatureOfAnExportedType() throws IOException {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : exportedPublicTypes()) {
      checkNotInternal(c.getSuperclass(), c.getName() + " extends", leaks);
      for (Class<?> i : c.getInterfaces()) {
        checkNotInternal(i, c.getName() + " implements", leaks);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
          checkSignature(m, c.getName() + "." + m.getName(), leaks);
          checkNotInternal(m.getReturnType(), c.getName() + "." + m.getName() + " returns", leaks);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (isVisible(k.getModifiers()) && !k.isSynthetic()) {
          checkSignature(k, c.getName() + ".<init>", leaks);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (isVisible(f.getModifiers()) && !f.isSynthetic()) {
          checkNotInternal(f.getType(), c.getName() + "." + f.getName(), leaks);
        }
      }
    }
    assertThat(leaks).as("internal types in the public API").isEmpty();
  }

  private static boolean isVisible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void checkSignature(Executable e, String where, List<String> leaks) {
    for (Class<?> p : e.getParameterTypes()) {
      checkNotInternal(p, where + " takes", leaks);
    }
    for (Class<?> x : e.getExceptionTypes()) {
      checkNotInternal(x, where + " throws", leaks);
    }
  }

  private static void checkNotInternal(Class<?> type, String where, List<String> leaks) {
    if (type == null) {
      return;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    if (type.getPackageName().contains(".internal")) {
      leaks.add(where + " " + type.getName());
    }
  }
}
