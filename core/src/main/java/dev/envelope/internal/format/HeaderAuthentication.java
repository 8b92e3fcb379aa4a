package dev.envelope.internal.format;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The additional authenticated data of the header authentication tag: the serialized header body,
 * then the serialization of the "encryption context to only authenticate", the pairs of the
 * materials' context whose keys are required encryption context keys. Those pairs are not stored in
 * the header, so a reader must reproduce them for the tag to verify. An empty set of pairs adds
 * nothing.
 */
final class HeaderAuthentication {
  private HeaderAuthentication() {}

  static byte[] aad(byte[] headerBody, Map<String, String> context, Set<String> requiredKeys) {
    Map<String, String> onlyAuthenticated = onlyAuthenticated(context, requiredKeys);
    if (onlyAuthenticated.isEmpty()) {
      return headerBody;
    }
    byte[] pairs = EncryptionContextCodec.serialize(onlyAuthenticated);
    byte[] aad = Arrays.copyOf(headerBody, headerBody.length + pairs.length);
    System.arraycopy(pairs, 0, aad, headerBody.length, pairs.length);
    return aad;
  }

  static Map<String, String> onlyAuthenticated(
      Map<String, String> context, Set<String> requiredKeys) {
    if (requiredKeys.isEmpty()) {
      return Map.of();
    }
    Map<String, String> pairs = new HashMap<>();
    for (String key : requiredKeys) {
      String value = context.get(key);
      if (value != null) {
        pairs.put(key, value);
      }
    }
    return pairs;
  }
}
