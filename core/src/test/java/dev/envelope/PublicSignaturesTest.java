package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No public or protected signature of an API package names a type of an {@code internal} package.
 */
class PublicSignaturesTest {
  private static final List<String> API_PACKAGES =
      List.of(
          "dev.envelope", "dev.envelope.keyring", "dev.envelope.materials", "dev.envelope.stream");

  @Test
  void apiPackagesExposeNoInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> classes = apiClasses();
    assertThat(classes)
        .extracting(Class::getSimpleName)
        .contains(
            "Envelope",
            "DecryptingInputStream",
            "EncryptingOutputStream",
            "StreamHeader",
            "CachingMaterialsManager");
    for (Class<?> c : classes) {
      if (!visible(c.getModifiers())) {
        continue;
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        check(c, k, leaks);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (!m.isSynthetic()) {
          check(c, m, leaks);
          if (visible(m.getModifiers())) {
            collect(c + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
          }
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          collect(c + "." + f.getName(), f.getGenericType(), leaks);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(Class<?> c, Executable e, List<String> leaks) {
    if (!visible(e.getModifiers())) {
      return;
    }
    for (Type t : e.getGenericParameterTypes()) {
      collect(c + "." + e.getName() + " takes", t, leaks);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      collect(c + "." + e.getName() + " throws", t, leaks);
    }
  }

  private static void collect(String where, Type t, List<String> leaks) {
    if (t instanceof Class<?> k) {
      Class<?> base = k;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      if (base.getPackageName().startsWith("dev.envelope.internal")) {
        leaks.add(where + " " + base.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      collect(where, p.getRawType(), leaks);
      for (Type a : p.getActualTypeArguments()) {
        collect(where, a, leaks);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(where, g.getGenericComponentType(), leaks);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(where, b, leaks);
      }
      for (Type b : w.getLowerBounds()) {
        collect(where, b, leaks);
      }
    }
  }

  /**
   * Every class compiled into the API packages (nested ones included), from core's class directory.
   */
  private static List<Class<?>> apiClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Envelope.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : API_PACKAGES) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = f.getFileName().toString();
          if (!name.equals("package-info.class")) {
            out.add(
                Class.forName(
                    pkg + "." + name.substring(0, name.length() - 6),
                    false,
                    Envelope.class.getClassLoader()));
          }
        }
      }
    }
    return out;
  }
}
