package dev.envelope.vectors;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DecryptResult;
import dev.envelope.Envelope;
import dev.envelope.EnvelopeException;
import dev.envelope.SignedStreamPolicy;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.materials.RequiredEncryptionContextMaterialsManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every test of an {@code awses-decrypt} manifest (see {@link DecryptManifest}) through
 * Envelope, both one-shot and streamed (or only streamed, refusing signed messages, for {@code
 * streaming-unsigned-only}).
 *
 * <p>Raw AES and raw RSA master keys become {@link RawAesKeyring}s and {@link RawRsaKeyring}s
 * (several become a {@link MultiKeyring}); a test naming any AWS KMS key type needs real AWS and is
 * skipped and counted. The {@code RequiredEncryptionContext} cmm becomes a {@link
 * RequiredEncryptionContextMaterialsManager} requiring the keys of the test's reproduced context.
 * Legacy suites are allowed ({@code REQUIRE_ENCRYPT_ALLOW_DECRYPT}), as the ESDKs that wrote them
 * allowed them.
 *
 * <p>Envelope's {@code decrypt(message, context)} demands the message's whole context; the
 * manifest's reproduced context may leave out stored pairs, so the runner passes the stored
 * non-reserved pairs too, with the reproduced ones taking precedence. Reproduced pairs the header
 * does not store are still authenticated through the header tag.
 *
 * <p>A success test passes when both modes return exactly the expected plaintext; an error test
 * when both modes throw an {@link EnvelopeException} and the stream never reaches its end.
 */
final class DecryptVectorRunner {
  /** Outcome of a manifest run. */
  record Summary(
      String name,
      int total,
      int passed,
      int kmsSkipped,
      List<String> failures,
      Set<AlgorithmSuite> suitesPassed) {
    @Override
    public String toString() {
      return name
          + ": "
          + total
          + " vectors, "
          + passed
          + " passed (one-shot and streamed), "
          + kmsSkipped
          + " skipped (need AWS KMS), "
          + failures.size()
          + " failed";
    }
  }

  private static final DecryptionLimits PARSE_LIMITS =
      new DecryptionLimits(65_535, 1 << 24, Integer.MAX_VALUE);

  private final VectorFiles files;
  private final boolean everyTestMustFail;

  /**
   * @param everyTestMustFail treat every test as an error test whatever its manifest says: for
   *     archives known to hold messages off the specification (ESDK-NET 4.0.0's)
   */
  DecryptVectorRunner(VectorFiles files, boolean everyTestMustFail) {
    this.files = files;
    this.everyTestMustFail = everyTestMustFail;
  }

  Summary run() {
    String manifestPath = files.findDecryptManifest();
    DecryptManifest manifest = DecryptManifest.parse(files.read(manifestPath));
    VectorKeys keys =
        VectorKeys.parse(
            new String(files.readUri(manifestPath, manifest.keysUri()), StandardCharsets.UTF_8));
    Map<String, byte[]> plaintexts = new HashMap<>();
    int passed = 0;
    int kms = 0;
    List<String> failures = new ArrayList<>();
    Set<AlgorithmSuite> suites = EnumSet.noneOf(AlgorithmSuite.class);
    for (DecryptManifest.Test test : manifest.tests()) {
      if (test.needsKms()) {
        kms++;
        continue;
      }
      try {
        byte[] ciphertext = files.readUri(manifestPath, test.ciphertextUri());
        String problem;
        if (test.expectsSuccess() && !everyTestMustFail) {
          byte[] expected =
              plaintexts.computeIfAbsent(
                  test.plaintextUri(), uri -> files.readUri(manifestPath, uri));
          problem = expectPlaintext(test, keys, ciphertext, expected);
        } else {
          problem = expectFailure(test, keys, ciphertext);
        }
        if (problem == null) {
          passed++;
          MessageHeader header =
              MessageHeader.parse(ciphertext, 0, ciphertext.length, PARSE_LIMITS);
          if (header != null) {
            suites.add(header.suite());
          }
        } else {
          failures.add(test.id() + ": " + problem);
        }
      } catch (RuntimeException e) {
        failures.add(test.id() + ": runner error " + e);
      }
    }
    return new Summary(
        files.name() + " (" + manifest.client() + ", manifest v" + manifest.version() + ")",
        manifest.tests().size(),
        passed,
        kms,
        List.copyOf(failures),
        suites);
  }

  private String expectPlaintext(
      DecryptManifest.Test test, VectorKeys keys, byte[] ciphertext, byte[] expected) {
    Envelope envelope = envelope(test, keys, false);
    Map<String, String> context = expectedContext(test, ciphertext);
    if (!"streaming-unsigned-only".equals(test.decryptionMethod())) {
      try {
        DecryptResult result =
            context == null ? envelope.decrypt(ciphertext) : envelope.decrypt(ciphertext, context);
        if (!Arrays.equals(result.plaintext(), expected)) {
          return "one-shot plaintext differs";
        }
        if (!result
            .encryptionContext()
            .entrySet()
            .containsAll(test.reproducedContext().entrySet())) {
          return "one-shot result context lacks reproduced pairs";
        }
      } catch (RuntimeException e) {
        return "one-shot failed: " + e;
      }
      envelope = envelope(test, keys, false);
    } else {
      envelope = envelope(test, keys, true);
    }
    try (InputStream in = stream(envelope, ciphertext, context)) {
      if (!Arrays.equals(in.readAllBytes(), expected)) {
        return "streamed plaintext differs";
      }
    } catch (IOException | RuntimeException e) {
      return "streamed decryption failed: " + e;
    }
    return null;
  }

  private String expectFailure(DecryptManifest.Test test, VectorKeys keys, byte[] ciphertext) {
    Map<String, String> context = expectedContext(test, ciphertext);
    Envelope envelope;
    try {
      envelope = envelope(test, keys, "streaming-unsigned-only".equals(test.decryptionMethod()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return null; // The configuration itself is refused, as the error test expects.
    }
    if (!"streaming-unsigned-only".equals(test.decryptionMethod())) {
      try {
        if (context == null) {
          envelope.decrypt(ciphertext);
        } else {
          envelope.decrypt(ciphertext, context);
        }
        return "one-shot decryption succeeded but must fail";
      } catch (EnvelopeException expected) {
        // as it must
      } catch (RuntimeException e) {
        return "one-shot failed with an untyped " + e;
      }
    }
    try (InputStream in = stream(envelope, ciphertext, context)) {
      in.readAllBytes();
      return "streamed decryption reached the end but must fail";
    } catch (EnvelopeException expected) {
      return null;
    } catch (IOException | RuntimeException e) {
      return "streamed decryption failed with an untyped " + e;
    }
  }

  private static InputStream stream(
      Envelope envelope, byte[] ciphertext, Map<String, String> context) {
    InputStream source = new ByteArrayInputStream(ciphertext);
    return context == null
        ? envelope.decryptingStream(source)
        : envelope.decryptingStream(source, context);
  }

  /**
   * Null (no expectation) unless the manifest gives a reproduced context; see the class comment.
   */
  private static Map<String, String> expectedContext(DecryptManifest.Test test, byte[] ciphertext) {
    if (test.reproducedContext().isEmpty()) {
      return null;
    }
    Map<String, String> context = new HashMap<>();
    MessageHeader header = MessageHeader.parse(ciphertext, 0, ciphertext.length, PARSE_LIMITS);
    if (header != null) {
      header
          .encryptionContext()
          .forEach(
              (k, v) -> {
                if (!k.startsWith(Envelope.RESERVED_CONTEXT_PREFIX)) {
                  context.put(k, v);
                }
              });
    }
    context.putAll(test.reproducedContext());
    return context;
  }

  private static Envelope envelope(
      DecryptManifest.Test test, VectorKeys keys, boolean refuseSigned) {
    Keyring keyring = keyring(test.masterKeys(), keys);
    Envelope.Builder b =
        Envelope.builder()
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
            .maxEncryptedDataKeys(65_535)
            .signedStreamPolicy(
                refuseSigned
                    ? SignedStreamPolicy.REFUSE
                    : SignedStreamPolicy.RELEASE_AUTHENTICATED_FRAMES);
    switch (test.cmm()) {
      case "Default" -> b.keyring(keyring);
      case "RequiredEncryptionContext" -> {
        if (test.reproducedContext().isEmpty()) {
          b.keyring(keyring);
        } else {
          b.materialsManager(
              RequiredEncryptionContextMaterialsManager.builder()
                  .keyring(keyring)
                  .requiredKeys(test.reproducedContext().keySet())
                  .build());
        }
      }
      default -> throw new IllegalArgumentException("unsupported cmm " + test.cmm());
    }
    return b.build();
  }

  static Keyring keyring(List<DecryptManifest.MasterKey> masterKeys, VectorKeys keys) {
    List<Keyring> keyrings = new ArrayList<>();
    for (DecryptManifest.MasterKey mk : masterKeys) {
      keyrings.add(rawKeyring(mk, keys));
    }
    if (keyrings.isEmpty()) {
      throw new IllegalArgumentException("test has no master keys");
    }
    return keyrings.size() == 1
        ? keyrings.get(0)
        : MultiKeyring.of(
            keyrings.get(0), keyrings.subList(1, keyrings.size()).toArray(new Keyring[0]));
  }

  static Keyring rawKeyring(DecryptManifest.MasterKey mk, VectorKeys keys) {
    if (!"raw".equals(mk.type())) {
      throw new IllegalArgumentException("unsupported master key type " + mk.type());
    }
    VectorKeys.Key key = keys.get(mk.key());
    switch (mk.encryptionAlgorithm()) {
      case "aes" -> {
        return RawAesKeyring.builder()
            .keyNamespace(mk.providerId())
            .keyName(key.keyId())
            .wrappingKey(key.symmetric())
            .build();
      }
      case "rsa" -> {
        return RawRsaKeyring.builder()
            .keyNamespace(mk.providerId())
            .keyName(key.keyId())
            .padding(padding(mk))
            .publicKey(key.publicKey())
            .privateKey(key.privateKey())
            .build();
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported encryption algorithm " + mk.encryptionAlgorithm());
    }
  }

  static RawRsaKeyring.Padding padding(DecryptManifest.MasterKey mk) {
    if ("pkcs1".equals(mk.paddingAlgorithm())) {
      return RawRsaKeyring.Padding.PKCS1;
    }
    if (!"oaep-mgf1".equals(mk.paddingAlgorithm())) {
      throw new IllegalArgumentException("unsupported padding " + mk.paddingAlgorithm());
    }
    return switch (mk.paddingHash()) {
      case "sha1" -> RawRsaKeyring.Padding.OAEP_SHA1_MGF1;
      case "sha256" -> RawRsaKeyring.Padding.OAEP_SHA256_MGF1;
      case "sha384" -> RawRsaKeyring.Padding.OAEP_SHA384_MGF1;
      case "sha512" -> RawRsaKeyring.Padding.OAEP_SHA512_MGF1;
      default -> throw new IllegalArgumentException("unsupported padding hash " + mk.paddingHash());
    };
  }
}
