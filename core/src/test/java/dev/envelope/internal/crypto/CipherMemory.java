package dev.envelope.internal.crypto;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Looks inside a JCE cipher (or anything holding one) for copies of a key: walks every field of the
 * JCE's and Envelope's objects reachable from a root, reflectively, and reports each {@code byte[]}
 * that contains the raw key and each {@code int[]} that starts an AES key schedule with it (the
 * first words of an AES expanded key are the key itself). Needs {@code --add-opens} for {@code
 * javax.crypto} and {@code com.sun.crypto.provider} (see the {@code jdk-internals} execution in
 * core's pom); without them it throws rather than finding nothing.
 */
public final class CipherMemory {
  private static final List<String> WALKED_PACKAGES =
      List.of("javax.crypto.", "com.sun.crypto.provider.", "sun.security.", "dev.envelope.");

  private CipherMemory() {}

  /** Where copies of {@code key} are reachable from {@code root}: field paths, empty if none. */
  public static List<String> copiesOf(byte[] key, Object root) {
    List<String> found = new ArrayList<>();
    walk(root, "root", key, found, Collections.newSetFromMap(new IdentityHashMap<>()));
    return found;
  }

  private static void walk(
      Object o, String path, byte[] key, List<String> found, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    Class<?> c = o.getClass();
    if (c == byte[].class) {
      if (contains((byte[]) o, key)) {
        found.add(path + " (byte[])");
      }
      return;
    }
    if (c == int[].class) {
      if (containsWords((int[]) o, key)) {
        found.add(path + " (int[] key schedule)");
      }
      return;
    }
    if (c.isArray()) {
      if (!c.getComponentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(o); i++) {
          walk(Array.get(o, i), path + "[" + i + "]", key, found, seen);
        }
      }
      return;
    }
    if (!walked(c) || o instanceof java.security.Provider) {
      return; // a provider holds only its service table, no keys
    }
    for (Class<?> k = c; k != null && walked(k); k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        if (!f.trySetAccessible()) {
          throw new IllegalStateException(
              "cannot read "
                  + k.getName()
                  + "."
                  + f.getName()
                  + ": run with --add-opens java.base/"
                  + k.getPackageName()
                  + "=ALL-UNNAMED");
        }
        try {
          walk(f.get(o), path + "." + f.getName(), key, found, seen);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static boolean walked(Class<?> c) {
    return WALKED_PACKAGES.stream().anyMatch(c.getName()::startsWith);
  }

  private static boolean contains(byte[] haystack, byte[] key) {
    for (int i = 0; i + key.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + key.length, key, 0, key.length)) {
        return true;
      }
    }
    return false;
  }

  /** The key's first four big-endian words, in a row: how an AES key schedule begins. */
  private static boolean containsWords(int[] haystack, byte[] key) {
    int[] words = new int[4];
    for (int w = 0; w < 4; w++) {
      words[w] =
          ((key[4 * w] & 0xFF) << 24)
              | ((key[4 * w + 1] & 0xFF) << 16)
              | ((key[4 * w + 2] & 0xFF) << 8)
              | (key[4 * w + 3] & 0xFF);
    }
    for (int i = 0; i + 4 <= haystack.length; i++) {
      if (haystack[i] == words[0]
          && haystack[i + 1] == words[1]
          && haystack[i + 2] == words[2]
          && haystack[i + 3] == words[3]) {
        return true;
      }
    }
    return false;
  }
}
