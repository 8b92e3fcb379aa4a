package dev.envelope.vectors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code awses-decrypt} manifest of the AWS Crypto Tools test-vector framework, versions 1 to 4:
 *
 * <ul>
 *   <li>1: {@code plaintext}, {@code ciphertext}, {@code master-keys} per test; every test must
 *       succeed.
 *   <li>2 and 3: {@code result} holds {@code output.plaintext} or {@code error.error-description};
 *       {@code decryption-method} ({@code streaming-unsigned-only}) is optional; 3 adds the KMS MRK
 *       key types.
 *   <li>4 (written by ESDK-NET 4.x): {@code cmm} ({@code Default} or {@code
 *       RequiredEncryptionContext}) and {@code encryption-context}, the reproduced context to
 *       decrypt with.
 * </ul>
 */
record DecryptManifest(int version, String client, String keysUri, List<Test> tests) {

  /**
   * One master key description (feature 0005): type, key name, and for raw keys the provider and
   * algorithm.
   */
  record MasterKey(
      String type,
      String key,
      String providerId,
      String encryptionAlgorithm,
      String paddingAlgorithm,
      String paddingHash) {
    boolean isKms() {
      return type.startsWith("aws-kms");
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", type);
      if (key != null) {
        m.put("key", key);
      }
      if (providerId != null) {
        m.put("provider-id", providerId);
      }
      if (encryptionAlgorithm != null) {
        m.put("encryption-algorithm", encryptionAlgorithm);
      }
      if (paddingAlgorithm != null) {
        m.put("padding-algorithm", paddingAlgorithm);
      }
      if (paddingHash != null) {
        m.put("padding-hash", paddingHash);
      }
      return m;
    }
  }

  /**
   * One test. Exactly one of {@code plaintextUri} and {@code errorDescription} is set. {@code cmm}
   * is {@code Default} unless the manifest says otherwise; {@code reproducedContext} is empty
   * before version 4.
   */
  record Test(
      String id,
      String description,
      String ciphertextUri,
      String plaintextUri,
      String errorDescription,
      List<MasterKey> masterKeys,
      String decryptionMethod,
      String cmm,
      Map<String, String> reproducedContext) {
    boolean expectsSuccess() {
      return plaintextUri != null;
    }

    boolean needsKms() {
      return masterKeys.stream().anyMatch(MasterKey::isKms);
    }
  }

  static DecryptManifest parse(byte[] json) {
    Map<String, Object> root =
        Json.object(Json.parse(new String(json, StandardCharsets.UTF_8)), "manifest");
    Map<String, Object> header = Json.object(root.get("manifest"), "manifest header");
    if (!"awses-decrypt".equals(header.get("type"))) {
      throw new IllegalArgumentException(
          "not an awses-decrypt manifest: type " + header.get("type"));
    }
    int version = ((Long) header.get("version")).intValue();
    if (version < 1 || version > 4) {
      throw new IllegalArgumentException(
          "awses-decrypt manifest version " + version + " is not supported (1 to 4)");
    }
    Map<String, Object> clientJson =
        root.get("client") == null ? Map.of() : Json.object(root.get("client"), "client");
    String client = clientJson.get("name") + " " + clientJson.get("version");
    List<Test> tests = new ArrayList<>();
    for (Map.Entry<String, Object> e : Json.object(root.get("tests"), "tests").entrySet()) {
      tests.add(test(version, e.getKey(), Json.object(e.getValue(), "test " + e.getKey())));
    }
    return new DecryptManifest(version, client, (String) root.get("keys"), List.copyOf(tests));
  }

  private static Test test(int version, String id, Map<String, Object> t) {
    String plaintext;
    String error = null;
    if (version == 1) {
      plaintext = require(t, "plaintext", id);
    } else {
      Map<String, Object> result = Json.object(t.get("result"), "result of " + id);
      if (result.containsKey("output")) {
        plaintext = require(Json.object(result.get("output"), "output of " + id), "plaintext", id);
      } else if (result.containsKey("error")) {
        plaintext = null;
        Object description =
            Json.object(result.get("error"), "error of " + id).get("error-description");
        error = description == null ? "(no description)" : description.toString();
      } else {
        throw new IllegalArgumentException("test " + id + " has neither output nor error");
      }
    }
    List<MasterKey> keys = new ArrayList<>();
    for (Object o : (List<?>) t.get("master-keys")) {
      Map<String, Object> k = Json.object(o, "master key of " + id);
      keys.add(
          new MasterKey(
              (String) k.get("type"),
              (String) k.get("key"),
              (String) k.get("provider-id"),
              (String) k.get("encryption-algorithm"),
              (String) k.get("padding-algorithm"),
              (String) k.get("padding-hash")));
    }
    Map<String, String> reproduced = new LinkedHashMap<>();
    if (t.get("encryption-context") != null) {
      for (Map.Entry<String, Object> e :
          Json.object(t.get("encryption-context"), "context of " + id).entrySet()) {
        reproduced.put(e.getKey(), (String) e.getValue());
      }
    }
    String cmm = t.get("cmm") == null ? "Default" : (String) t.get("cmm");
    return new Test(
        id,
        (String) t.get("description"),
        require(t, "ciphertext", id),
        plaintext,
        error,
        List.copyOf(keys),
        (String) t.get("decryption-method"),
        cmm,
        Map.copyOf(reproduced));
  }

  private static String require(Map<String, Object> t, String field, String id) {
    Object v = t.get(field);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("test " + id + " lacks '" + field + "'");
    }
    return s;
  }
}
