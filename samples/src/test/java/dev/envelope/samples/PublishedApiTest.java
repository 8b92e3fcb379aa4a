package dev.envelope.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.Envelope;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.internal.format.MessageHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published API of every library module names only exported types: no public or protected
 * member of an exported package mentions a type from a package its module keeps to itself (such as
 * {@code dev.envelope.internal.format}), so that no internal type can leak into applications.
 * Samples is the one module that depends on all four libraries, so the check lives here.
 */
class PublishedApiTest {
  /** One class from each library module, to find the module's compiled classes. */
  private static final List<Class<?>> MODULE_MARKERS =
      List.of(Envelope.class, KmsKeyring.class, PolicyDocument.class, LocalKms.class);

  private static final List<ModuleReference> modules = new ArrayList<>();
  private static final Set<String> hiddenPackages = new HashSet<>();

  @BeforeAll
  static void findModules() {
    for (Class<?> marker : MODULE_MARKERS) {
      ModuleReference ref = moduleOf(marker);
      modules.add(ref);
      ModuleDescriptor d = ref.descriptor();
      Set<String> exported =
          d.exports().stream()
              .filter(e -> !e.isQualified())
              .map(ModuleDescriptor.Exports::source)
              .collect(Collectors.toSet());
      d.packages().stream().filter(p -> !exported.contains(p)).forEach(hiddenPackages::add);
    }
  }

  @Test
  void everyLibraryModuleHasADescriptorAndHidesItsInternals() {
    assertThat(modules)
        .extracting(m -> m.descriptor().name())
        .containsExactly(
            "dev.envelope.core",
            "dev.envelope.aws",
            "dev.envelope.aws.policy",
            "dev.envelope.aws.local");
    assertThat(hiddenPackages)
        .contains(
            "dev.envelope.internal.format",
            "dev.envelope.internal.crypto",
            "dev.envelope.aws.internal.json");
  }

  @Test
  void exportedSignaturesNameNoInternalType() {
    List<String> leaks = new ArrayList<>();
    int checked = 0;
    for (ModuleReference module : modules) {
      for (Class<?> type : exportedTypes(module)) {
        leaks.addAll(leaksOf(type));
        checked++;
      }
    }
    assertThat(checked).as("exported types checked").isGreaterThan(50);
    assertThat(leaks).as("exported members naming internal types").isEmpty();
  }

  /** The check itself can fail: a public method returning an internal type is reported. */
  @Test
  void aLeakingSignatureIsReported() {
    assertThat(leaksOf(Leaky.class))
        .singleElement()
        .asString()
        .contains("header()", MessageHeader.class.getName());
  }

  /** Stands for an API class that leaks an internal type. */
  public static final class Leaky {
    public MessageHeader header() {
      return null;
    }
  }

  private static List<String> leaksOf(Class<?> type) {
    List<String> leaks = new ArrayList<>();
    String owner = type.getName();
    check(type.getGenericSuperclass(), owner + " extends", leaks);
    for (Type t : type.getGenericInterfaces()) {
      check(t, owner + " implements", leaks);
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers())) {
        check(f.getGenericType(), owner + "." + f.getName(), leaks);
      }
    }
    List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
    members.addAll(List.of(type.getDeclaredConstructors()));
    for (Executable e : members) {
      if (!visible(e.getModifiers()) || e.isSynthetic()) {
        continue;
      }
      String where = owner + "." + (e instanceof Constructor ? "<init>" : e.getName()) + "()";
      if (e instanceof Method m) {
        check(m.getGenericReturnType(), where, leaks);
      }
      for (Type t : e.getGenericParameterTypes()) {
        check(t, where, leaks);
      }
      for (Type t : e.getGenericExceptionTypes()) {
        check(t, where, leaks);
      }
    }
    return leaks;
  }

  private static void check(Type t, String where, List<String> leaks) {
    check(t, where, leaks, new HashSet<>());
  }

  private static void check(Type t, String where, List<String> leaks, Set<Type> seen) {
    if (t == null || !seen.add(t)) {
      return;
    }
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (hiddenPackages.contains(c.getPackageName())) {
        leaks.add(where + " names " + c.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      check(p.getRawType(), where, leaks, seen);
      for (Type a : p.getActualTypeArguments()) {
        check(a, where, leaks, seen);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        check(b, where, leaks, seen);
      }
      for (Type b : w.getLowerBounds()) {
        check(b, where, leaks, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      check(g.getGenericComponentType(), where, leaks, seen);
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        check(b, where, leaks, seen);
      }
    }
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /**
   * The types an application can reach: public (or protected nested) types of exported packages.
   */
  private static List<Class<?>> exportedTypes(ModuleReference module) {
    Set<String> exported =
        module.descriptor().exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    Set<String> names = new TreeSet<>();
    try (ModuleReader reader = module.open()) {
      reader
          .list()
          .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .filter(n -> exported.contains(n.substring(0, n.lastIndexOf('.'))))
          .forEach(names::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> c = load(name);
      if (reachable(c)) {
        types.add(c);
      }
    }
    return types;
  }

  private static boolean reachable(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (k.isAnonymousClass()
          || k.isLocalClass()
          || k.isSynthetic()
          || !visible(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublishedApiTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError("listed but not loadable: " + name, e);
    }
  }

  private static ModuleReference moduleOf(Class<?> marker) {
    try {
      Path where = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
      return ModuleFinder.of(where).findAll().stream()
          .findFirst()
          .orElseThrow(() -> new AssertionError("no module descriptor at " + where));
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
