package dev.envelope.vectors;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.materials.RequiredEncryptionContextMaterialsManager;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes Envelope messages as an {@code awses-decrypt} manifest (version 4, keys manifest version
 * 3), for other AWS Encryption SDKs to decrypt: both committing suites; raw AES-256 and raw RSA
 * (OAEP-SHA256, OAEP-SHA1, PKCS1) keys; the default and the required-encryption-context managers;
 * frame sizes from 1 byte to 1 MiB with plaintexts from empty to several MiB, including exact
 * multiples of the frame size (whose final frame is empty). Usage: {@code EnvelopeVectorGenerator
 * <output directory>}.
 */
public final class EnvelopeVectorGenerator {
  static final String PROVIDER_ID = "envelope-vectors";
  static final Map<String, String> CONTEXT =
      Map.of("purpose", "interop", "tenant", "acme", "ключ", "значение");
  static final Set<String> REQUIRED = Set.of("tenant");

  /** Frame size and plaintext size pairs; the last ones are the large messages. */
  private static final int[][] SHAPES = {
    {1, 0},
    {1, 1},
    {1, 257},
    {1024, 3 * 1024},
    {4096, 10_000},
    {65_536, 0},
    {65_536, 200_000},
    {1 << 20, 1 << 20},
    {1 << 20, 3 * (1 << 20) + 5},
  };

  /** One generated test, for callers that check what was written. */
  public record Vector(
      String id, AlgorithmSuite suite, String key, String cmm, int frameSize, int plaintextSize) {}

  private EnvelopeVectorGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: EnvelopeVectorGenerator <output directory>");
      System.exit(2);
    }
    List<Vector> vectors = generate(Path.of(args[0]));
    System.out.println("wrote " + vectors.size() + " vectors to " + args[0]);
  }

  /**
   * Writes {@code manifest.json}, {@code keys.json}, {@code plaintexts/} and {@code ciphertexts/}
   * into {@code dir}.
   */
  public static List<Vector> generate(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("plaintexts"));
    Files.createDirectories(dir.resolve("ciphertexts"));
    byte[] aesKey = new byte[32];
    new Random(256).nextBytes(aesKey);
    KeyPair rsa = rsaKeyPair();
    writeKeys(dir, aesKey, rsa);

    Map<String, Keyring> keyrings = new LinkedHashMap<>();
    keyrings.put(
        "aes-256",
        RawAesKeyring.builder()
            .keyNamespace(PROVIDER_ID)
            .keyName("aes-256")
            .wrappingKey(aesKey)
            .build());
    for (RawRsaKeyring.Padding padding :
        new RawRsaKeyring.Padding[] {
          RawRsaKeyring.Padding.OAEP_SHA256_MGF1,
          RawRsaKeyring.Padding.OAEP_SHA1_MGF1,
          RawRsaKeyring.Padding.PKCS1
        }) {
      keyrings.put(
          "rsa-2048:" + padding,
          RawRsaKeyring.builder()
              .keyNamespace(PROVIDER_ID)
              .keyName("rsa-2048")
              .padding(padding)
              .publicKey(rsa.getPublic())
              .build());
    }

    Map<String, Object> tests = new LinkedHashMap<>();
    List<Vector> vectors = new ArrayList<>();
    for (AlgorithmSuite suite :
        new AlgorithmSuite[] {
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
          AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        }) {
      for (Map.Entry<String, Keyring> keyring : keyrings.entrySet()) {
        for (String cmm : new String[] {"Default", "RequiredEncryptionContext"}) {
          for (int[] shape : SHAPES) {
            int frame = shape[0];
            int size = shape[1];
            boolean large = size >= (1 << 20);
            boolean rsaVariant =
                !keyring.getKey().equals("aes-256")
                    && !keyring.getKey().endsWith(RawRsaKeyring.Padding.OAEP_SHA256_MGF1.name());
            // Large messages and the extra RSA paddings cover fewer shapes: the product adds time,
            // not reach.
            if ((large && !keyring.getKey().equals("aes-256")) || (rsaVariant && frame != 4096)) {
              continue;
            }
            String id =
                String.format(
                    "%04X-%s-%s-frame%d-pt%d",
                    suite.id(), keyring.getKey().replace(':', '-'), cmm, frame, size);
            Envelope envelope = envelope(keyring.getValue(), suite, frame, cmm);
            byte[] plaintext = plaintext(dir, size);
            Path ciphertext = dir.resolve("ciphertexts").resolve(id);
            if (large) {
              try (OutputStream out =
                  envelope.encryptingStream(Files.newOutputStream(ciphertext), CONTEXT)) {
                out.write(plaintext);
              }
            } else {
              Files.write(ciphertext, envelope.encrypt(plaintext, CONTEXT));
            }
            tests.put(id, test(id, keyring.getKey(), cmm, size));
            vectors.add(new Vector(id, suite, keyring.getKey(), cmm, frame, size));
          }
        }
      }
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("manifest", Map.of("type", "awses-decrypt", "version", 4L));
    manifest.put("client", Map.of("name", "envelope", "version", "0.1.0-SNAPSHOT"));
    manifest.put("keys", "file://keys.json");
    manifest.put("tests", tests);
    Files.writeString(dir.resolve("manifest.json"), Json.write(manifest));
    return vectors;
  }

  private static Envelope envelope(Keyring keyring, AlgorithmSuite suite, int frame, String cmm) {
    Envelope.Builder b = Envelope.builder().algorithmSuite(suite).frameSize(frame);
    return "Default".equals(cmm)
        ? b.keyring(keyring).build()
        : b.materialsManager(
                RequiredEncryptionContextMaterialsManager.builder()
                    .keyring(keyring)
                    .requiredKeys(REQUIRED)
                    .build())
            .build();
  }

  private static Map<String, Object> test(String id, String key, String cmm, int size) {
    Map<String, Object> masterKey = new LinkedHashMap<>();
    masterKey.put("type", "raw");
    masterKey.put("provider-id", PROVIDER_ID);
    if (key.equals("aes-256")) {
      masterKey.put("key", "aes-256");
      masterKey.put("encryption-algorithm", "aes");
    } else {
      masterKey.put("key", "rsa-2048-private");
      masterKey.put("encryption-algorithm", "rsa");
      RawRsaKeyring.Padding padding =
          RawRsaKeyring.Padding.valueOf(key.substring(key.indexOf(':') + 1));
      masterKey.put(
          "padding-algorithm", padding == RawRsaKeyring.Padding.PKCS1 ? "pkcs1" : "oaep-mgf1");
      if (padding != RawRsaKeyring.Padding.PKCS1) {
        masterKey.put(
            "padding-hash", padding == RawRsaKeyring.Padding.OAEP_SHA1_MGF1 ? "sha1" : "sha256");
      }
    }
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("description", "Envelope " + id);
    test.put("ciphertext", "file://ciphertexts/" + id);
    test.put("master-keys", List.of(masterKey));
    test.put("cmm", cmm);
    test.put("encryption-context", new LinkedHashMap<>(CONTEXT));
    test.put("result", Map.of("output", Map.of("plaintext", "file://plaintexts/" + size)));
    return test;
  }

  private static byte[] plaintext(Path dir, int size) throws IOException {
    Path file = dir.resolve("plaintexts").resolve(Integer.toString(size));
    if (Files.exists(file)) {
      return Files.readAllBytes(file);
    }
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    Files.write(file, b);
    return b;
  }

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeKeys(Path dir, byte[] aesKey, KeyPair rsa) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put(
        "aes-256",
        Map.of(
            "key-id",
            "aes-256",
            "encrypt",
            true,
            "decrypt",
            true,
            "algorithm",
            "aes",
            "type",
            "symmetric",
            "bits",
            256L,
            "encoding",
            "base64",
            "material",
            Base64.getEncoder().encodeToString(aesKey)));
    keys.put(
        "rsa-2048-private",
        Map.of(
            "key-id",
            "rsa-2048",
            "encrypt",
            true,
            "decrypt",
            true,
            "algorithm",
            "rsa",
            "type",
            "private",
            "bits",
            2048L,
            "encoding",
            "pem",
            "material",
            pem("PRIVATE KEY", rsa.getPrivate().getEncoded())));
    keys.put(
        "rsa-2048-public",
        Map.of(
            "key-id",
            "rsa-2048",
            "encrypt",
            true,
            "decrypt",
            false,
            "algorithm",
            "rsa",
            "type",
            "public",
            "bits",
            2048L,
            "encoding",
            "pem",
            "material",
            pem("PUBLIC KEY", rsa.getPublic().getEncoded())));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("manifest", Map.of("type", "keys", "version", 3L));
    manifest.put("keys", keys);
    try {
      Files.writeString(dir.resolve("keys.json"), Json.write(manifest), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
