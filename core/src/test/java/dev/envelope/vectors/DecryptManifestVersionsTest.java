package dev.envelope.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner on the older manifest shapes the official archives here do not use: version 1
 * (plaintext at the top of each test, every test must succeed) with a version 1 keys manifest
 * (material as a list of lines), and version 2 error tests. Built over Envelope's generated
 * vectors: without the reproduced context, messages written with required encryption context must
 * fail.
 */
class DecryptManifestVersionsTest {
  @TempDir static Path dir;
  private static Map<String, Object> generated;

  @BeforeAll
  static void generate() throws IOException {
    EnvelopeVectorGenerator.generate(dir);
    generated = Json.object(Json.parse(Files.readString(dir.resolve("manifest.json"))), "manifest");
    Map<String, Object> keys =
        Json.object(Json.parse(Files.readString(dir.resolve("keys.json"))), "keys");
    // Version 1 keys: PEM material split into lines, joined again by line-separator.
    Map<String, Object> keysV1 = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : Json.object(keys.get("keys"), "keys").entrySet()) {
      Map<String, Object> k = new LinkedHashMap<>(Json.object(e.getValue(), e.getKey()));
      k.remove("key-id");
      String material = (String) k.get("material");
      k.put("material", List.of(material.split("\n")));
      k.put("line-separator", "\n");
      keysV1.put(e.getKey(), k);
    }
    Files.writeString(
        dir.resolve("keys-v1.json"),
        Json.write(Map.of("manifest", Map.of("type", "keys", "version", 1L), "keys", keysV1)));
  }

  private static Path write(String name, long version, Map<String, Object> tests, String keys)
      throws IOException {
    Path sub = dir.resolve(name);
    Files.createDirectories(sub);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("manifest", Map.of("type", "awses-decrypt", "version", version));
    m.put("client", Map.of("name", "test", "version", "1"));
    m.put("keys", "file://../" + keys);
    m.put("tests", tests);
    Files.writeString(sub.resolve("manifest.json"), Json.write(m));
    return sub;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> generatedTests(String cmm) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object t : Json.object(generated.get("tests"), "tests").values()) {
      Map<String, Object> test = Json.object(t, "test");
      if (cmm.equals(test.get("cmm")) && ((String) test.get("ciphertext")).contains("frame4096")) {
        out.add(test);
      }
    }
    return out;
  }

  private static Map<String, Object> relocated(Map<String, Object> t) {
    Map<String, Object> test = new LinkedHashMap<>();
    test.put(
        "ciphertext", "file://../" + ((String) t.get("ciphertext")).substring("file://".length()));
    test.put("master-keys", t.get("master-keys"));
    return test;
  }

  @Test
  void version1ManifestWithVersion1Keys() throws IOException {
    Map<String, Object> tests = new LinkedHashMap<>();
    for (Map<String, Object> t : generatedTests("Default")) {
      if (!((String) t.get("ciphertext")).contains("aes-256")) {
        continue; // version 1 keys name keys by entry name, which only the AES entry shares with
        // the key-id
      }
      Map<String, Object> test = relocated(t);
      Map<String, Object> output =
          Json.object(Json.object(t.get("result"), "result").get("output"), "output");
      test.put(
          "plaintext",
          "file://../" + ((String) output.get("plaintext")).substring("file://".length()));
      tests.put((String) t.get("description"), test);
    }
    DecryptVectorRunner.Summary summary =
        new DecryptVectorRunner(
                VectorFiles.fromDirectory(write("v1", 1, tests, "keys-v1.json")), false)
            .run();
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.passed()).isEqualTo(tests.size()).isPositive();
  }

  @Test
  void version2ErrorTestsMustFail() throws IOException {
    Map<String, Object> tests = new LinkedHashMap<>();
    for (Map<String, Object> t : generatedTests("RequiredEncryptionContext")) {
      Map<String, Object> test = relocated(t);
      test.put(
          "result",
          Map.of("error", Map.of("error-description", "required context not reproduced")));
      tests.put((String) t.get("description"), test);
    }
    DecryptVectorRunner.Summary summary =
        new DecryptVectorRunner(
                VectorFiles.fromDirectory(write("v2", 2, tests, "keys.json")), false)
            .run();
    assertThat(summary.failures()).isEmpty();
    assertThat(summary.passed()).isEqualTo(tests.size()).isPositive();

    // The same messages as success tests fail the run, naming each test.
    Map<String, Object> wrong = new LinkedHashMap<>();
    for (Map<String, Object> t : generatedTests("RequiredEncryptionContext")) {
      Map<String, Object> test = relocated(t);
      test.put("result", Map.of("output", Map.of("plaintext", "file://../plaintexts/10000")));
      wrong.put((String) t.get("description"), test);
    }
    DecryptVectorRunner.Summary failing =
        new DecryptVectorRunner(
                VectorFiles.fromDirectory(write("v2-wrong", 2, wrong, "keys.json")), false)
            .run();
    assertThat(failing.failures()).hasSize(wrong.size());
    assertThat(failing.passed()).isZero();
  }

  @Test
  void unsupportedManifestsAreRefused() {
    assertThatThrownBy(
            () ->
                DecryptManifest.parse(
                    "{\"manifest\":{\"type\":\"awses-decrypt\",\"version\":9},\"tests\":{}}"
                        .getBytes()))
        .hasMessageContaining("version 9");
    assertThatThrownBy(
            () ->
                DecryptManifest.parse(
                    "{\"manifest\":{\"type\":\"keys\",\"version\":3},\"tests\":{}}".getBytes()))
        .hasMessageContaining("not an awses-decrypt manifest");
  }
}
