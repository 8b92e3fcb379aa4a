package dev.envelope;

import dev.envelope.internal.async.Futures;
import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.crypto.MessageIdSource;
import dev.envelope.internal.format.DecryptionLimits;
import dev.envelope.internal.format.EncryptionContextCodec;
import dev.envelope.internal.format.MessageDecryptor;
import dev.envelope.internal.format.MessageEncryptor;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.format.StreamConstruction;
import dev.envelope.internal.text.UntrustedText;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.materials.AsyncMaterialsManager;
import dev.envelope.materials.DecryptionRequest;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.materials.EncryptionRequest;
import dev.envelope.materials.MaterialsManager;
import dev.envelope.stream.DecryptingInputStream;
import dev.envelope.stream.EncryptingOutputStream;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Encrypts and decrypts messages in the AWS Encryption SDK message format v2: a data key from the
 * configured keyring or materials manager, AES-256-GCM applied locally frame by frame, the
 * encryption context bound into every frame as authenticated data, the data key zeroed when the
 * message is done.
 *
 * <pre>{@code
 * Envelope envelope = Envelope.builder().keyring(keyring).build();
 * byte[] message = envelope.encrypt(plaintext, Map.of("tenant", "acme"));
 * byte[] again = envelope.decrypt(message, Map.of("tenant", "acme")).plaintext();
 * }</pre>
 *
 * <p>Immutable and thread-safe; build one and share it.
 */
public final class Envelope {
  /** Context keys with this prefix are reserved for the format itself. */
  public static final String RESERVED_CONTEXT_PREFIX = "aws-crypto-";

  public static final int DEFAULT_FRAME_SIZE = 64 * 1024;

  /** Largest frame size Envelope writes; also the default bound on frames it reads. */
  public static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;

  /**
   * Largest {@code maxFrameSize}: a decrypting stream holds one frame of ciphertext and one of
   * plaintext, and a frame's length with its framing must still fit an array.
   */
  public static final int MAX_STREAM_FRAME_SIZE = 1 << 30;

  public static final int DEFAULT_MAX_ENCRYPTED_DATA_KEYS = 10;
  public static final int DEFAULT_MAX_HEADER_LENGTH = 1024 * 1024;

  /**
   * Longest context key, value or whole serialization the official Java SDK reads (signed 16-bit).
   */
  static final int MAX_CONTEXT_FIELD = 0x7FFF;

  private final MaterialsManager materialsManager;
  private final AsyncMaterialsManager asyncMaterialsManager;
  private final AlgorithmSuite suite;
  private final int frameSize;
  private final CommitmentPolicy commitmentPolicy;
  private final DecryptionLimits limits;
  private final DecryptionLimits oneShotLimits;
  private final EnvelopeMetrics metrics;
  private final SignedStreamPolicy signedStreamPolicy;
  private final long maxSignedStreamBuffer;

  private Envelope(Builder b) {
    this.signedStreamPolicy = b.signedStreamPolicy;
    this.maxSignedStreamBuffer = b.maxSignedStreamBuffer;
    this.materialsManager =
        b.materialsManager != null ? b.materialsManager : new DefaultMaterialsManager(b.keyring);
    this.asyncMaterialsManager = AsyncMaterialsManager.of(materialsManager);
    this.suite = b.suite;
    this.frameSize = b.frameSize;
    this.commitmentPolicy = b.commitmentPolicy;
    this.limits = new DecryptionLimits(b.maxEncryptedDataKeys, b.maxHeaderLength, b.maxFrameSize);
    this.oneShotLimits =
        new DecryptionLimits(b.maxEncryptedDataKeys, b.maxHeaderLength, Integer.MAX_VALUE);
    this.metrics = EnvelopeMetrics.of(b.meterRegistry);
  }

  public static Builder builder() {
    return new Builder();
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  public int frameSize() {
    return frameSize;
  }

  public CommitmentPolicy commitmentPolicy() {
    return commitmentPolicy;
  }

  public MaterialsManager materialsManager() {
    return materialsManager;
  }

  /**
   * Encrypts {@code plaintext} into one message bound to {@code encryptionContext}.
   *
   * @param encryptionContext non-secret key/value pairs that must be presented again (or checked)
   *     on decryption; stored in the clear in the header. Keys starting with {@code aws-crypto-}
   *     are reserved.
   */
  public byte[] encrypt(byte[] plaintext, Map<String, String> encryptionContext) {
    Objects.requireNonNull(plaintext, "plaintext");
    try {
      byte[] message = encryptOneShot(plaintext, encryptionContext);
      metrics.encrypted(plaintext.length);
      return message;
    } catch (RuntimeException e) {
      metrics.failed("encrypt", e);
      throw e;
    }
  }

  private byte[] encryptOneShot(byte[] plaintext, Map<String, String> context) {
    try (EncryptionMaterials materials =
        encryptionMaterials(context, OptionalLong.of(plaintext.length))) {
      return writeOneShot(materials, plaintext);
    }
  }

  /** The whole message for {@code plaintext} under {@code materials}, which the caller closes. */
  private byte[] writeOneShot(EncryptionMaterials materials, byte[] plaintext) {
    try (MessageEncryptor encryptor =
        new MessageEncryptor(
            materials, frameSize, AesGcm.forThread(), MessageIdSource.forThread())) {
      return encryptor.encryptMessage(plaintext);
    }
  }

  /**
   * Gets materials for one message, one-shot or streamed, and checks that the manager honoured the
   * request.
   */
  private EncryptionMaterials encryptionMaterials(
      Map<String, String> context, OptionalLong plaintextLength) {
    checkCallerContext(context, suite);
    return checkEncryptionMaterials(
        context,
        materialsManager.getEncryptionMaterials(
            new EncryptionRequest(context, suite, plaintextLength)));
  }

  /**
   * Checks that the manager honoured the request; closes the materials and throws if it did not.
   */
  private EncryptionMaterials checkEncryptionMaterials(
      Map<String, String> context, EncryptionMaterials materials) {
    try {
      if (materials.suite() != suite) {
        throw new IllegalStateException(
            "materials manager returned suite " + materials.suite() + ", not " + suite);
      }
      if (materials.encryptedDataKeys().size() > limits.maxEncryptedDataKeys()) {
        throw new IllegalStateException(
            "materials carry "
                + materials.encryptedDataKeys().size()
                + " encrypted data keys, more than maxEncryptedDataKeys ("
                + limits.maxEncryptedDataKeys()
                + "); the message could not be decrypted with the same settings");
      }
      for (Map.Entry<String, String> e : context.entrySet()) {
        if (!e.getValue().equals(materials.encryptionContext().get(e.getKey()))) {
          throw new IllegalStateException(
              "materials manager changed encryption context key '" + e.getKey() + "'");
        }
      }
      for (String key : materials.requiredEncryptionContextKeys()) {
        if (key.startsWith(RESERVED_CONTEXT_PREFIX)) {
          throw new IllegalStateException(
              "materials manager made reserved key '"
                  + key
                  + "' required: it must stay in the header");
        }
      }
      return materials;
    } catch (RuntimeException e) {
      materials.close();
      throw e;
    }
  }

  /**
   * Refuses, before any key provider is called, contexts that other AWS Encryption SDK
   * implementations cannot read back or that do not fit a header: the official Java SDK reads
   * context lengths as signed 16-bit values and rejects empty keys and values. For signed suites
   * the materials manager adds the signer's public key, so its entry counts too.
   */
  private static void checkCallerContext(Map<String, String> context, AlgorithmSuite suite) {
    Objects.requireNonNull(context, "encryptionContext (use Map.of() for none)");
    for (Map.Entry<String, String> e : context.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "encryption context key");
      String value = Objects.requireNonNull(e.getValue(), "encryption context value");
      if (key.startsWith(RESERVED_CONTEXT_PREFIX)) {
        throw new IllegalArgumentException(
            "encryption context key "
                + UntrustedText.quote(key)
                + " uses the reserved prefix "
                + RESERVED_CONTEXT_PREFIX);
      }
      if (key.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException(
            "encryption context keys and values must not be empty"
                + (key.isEmpty() ? "" : " (key " + UntrustedText.quote(key) + ")")
                + ": other AWS Encryption SDKs cannot read them");
      }
      if (utf8Length(key) > MAX_CONTEXT_FIELD || utf8Length(value) > MAX_CONTEXT_FIELD) {
        throw new IllegalArgumentException(
            "encryption context key or value longer than "
                + MAX_CONTEXT_FIELD
                + " UTF-8 bytes: other AWS Encryption SDKs cannot read it");
      }
    }
    long length = EncryptionContextCodec.serializedLength(context);
    if (suite.isSigned()) {
      length +=
          (context.isEmpty() ? 2 : 0)
              + 4
              + Ecdsa.PUBLIC_KEY_CONTEXT_KEY.length()
              + Ecdsa.encodedPublicKeyLength(suite);
    }
    if (length > MessageHeader.MAX_INTEROPERABLE_CONTEXT_LENGTH) {
      throw new IllegalArgumentException(
          "encryption context serializes to "
              + length
              + " bytes"
              + (suite.isSigned() ? " with the signer's public key" : "")
              + "; a message header carries at most "
              + MessageHeader.MAX_INTEROPERABLE_CONTEXT_LENGTH
              + " (what other AWS Encryption SDKs read). The context"
              + " is stored in the clear in every message: keep it to short identifiers and store large values"
              + " elsewhere");
    }
  }

  private static int utf8Length(String s) {
    if (s.length() * 3 <= MAX_CONTEXT_FIELD) {
      return s.length();
    }
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /**
   * Decrypts a message, whatever its encryption context. Prefer {@link #decrypt(byte[], Map)},
   * which also checks that the message was meant for this use.
   *
   * @throws InvalidMessageException if the message is malformed, altered, truncated or not allowed
   * @throws NoUsableDataKeyException if no encrypted data key could be decrypted
   */
  public DecryptResult decrypt(byte[] message) {
    return decryptChecked(message, null);
  }

  /**
   * Decrypts a message and checks its encryption context: the entries other than reserved {@code
   * aws-crypto-} ones must equal {@code expectedContext} exactly; reserved entries may be left out
   * of {@code expectedContext}, but those given must match.
   *
   * <p>{@code expectedContext} is also the <em>reproduced</em> context of the AWS Encryption SDK:
   * pairs the header does not store, written with a {@link
   * dev.envelope.materials.RequiredEncryptionContextMaterialsManager}, are taken from it and
   * authenticated through the header tag. The result's context is the whole context.
   *
   * <p>The stored context is compared as the header declares it, before the key provider is called
   * (a message for another context costs no KMS request) and so before the header is authenticated;
   * a header that matches is authenticated before any plaintext is returned.
   *
   * @throws EncryptionContextMismatchException naming the differing keys, when the header declares
   *     another context; an {@link InvalidMessageException}, since the header is not authenticated
   *     at that point
   * @throws InvalidMessageException also when a required pair the message authenticates is missing
   *     or differs
   */
  public DecryptResult decrypt(byte[] message, Map<String, String> expectedContext) {
    Objects.requireNonNull(expectedContext, "expectedContext");
    return decryptChecked(message, expectedContext);
  }

  private DecryptResult decryptChecked(byte[] message, Map<String, String> expectedContext) {
    Objects.requireNonNull(message, "message");
    try {
      DecryptResult result = decryptOneShot(message, expectedContext);
      metrics.decrypted(result.plaintext().length);
      return result;
    } catch (RuntimeException e) {
      metrics.failed("decrypt", e);
      throw e;
    }
  }

  private DecryptResult decryptOneShot(byte[] message, Map<String, String> expectedContext) {
    return readOneShot(message, h -> openDecryptor(h, expectedContext, AesGcm.forThread()));
  }

  /** Reads a whole message, its key from {@code opener}: the blocking or the asynchronous way. */
  private DecryptResult readOneShot(
      byte[] message, Function<MessageHeader, MessageDecryptor> opener) {
    // The whole message is in memory already, so the declared frame length allocates nothing here.
    try (MessageReader reader = MessageReader.inMemory(message, oneShotLimits)) {
      MessageHeader header = reader.open(opener);
      byte[] plaintext = new byte[(int) reader.plaintextLength()];
      int out = 0;
      try {
        MessageDecryptor.Frame frame;
        while ((frame = reader.nextFrame()) != null) {
          out += reader.decrypt(frame, plaintext, out);
        }
      } catch (RuntimeException e) {
        Arrays.fill(plaintext, (byte) 0);
        throw e;
      }
      // The whole context: the stored pairs and the reproduced ones the header tag authenticated.
      return new DecryptResult(plaintext, reader.encryptionContext(), header.suite());
    } catch (IOException e) {
      throw new IllegalStateException("reading a message in memory cannot fail with I/O", e);
    }
  }

  /**
   * Opens a parsed header, for both one-shot decryption and streams: checks the expected context
   * (before the key provider is called: a message for another context costs no KMS request; a
   * mismatch here is about an unauthenticated header, as {@link EncryptionContextMismatchException}
   * says) and the commitment policy, gets the data key, and returns the decryptor, which
   * authenticates the header before any plaintext. The materials are closed once the decryptor
   * derived its key.
   */
  private MessageDecryptor openDecryptor(
      MessageHeader header, Map<String, String> expectedContext, AesGcm gcm) {
    if (expectedContext != null) {
      checkExpectedContext(header.encryptionContext(), expectedContext);
    }
    try (DecryptionMaterials materials = decryptionMaterials(header, expectedContext)) {
      return new MessageDecryptor(header, materials, gcm);
    }
  }

  /**
   * Checks the policy and gets materials for a parsed header, passing the caller's expected context
   * (if any) as the reproduced context.
   */
  private DecryptionMaterials decryptionMaterials(
      MessageHeader header, Map<String, String> expectedContext) {
    checkDecryptPolicy(header);
    Map<String, String> reproduced = expectedContext == null ? Map.of() : expectedContext;
    Set<String> unstored = unstoredKeys(header, reproduced);
    DecryptionMaterials materials;
    try {
      materials =
          materialsManager.decryptMaterials(
              new DecryptionRequest(
                  header.suite(),
                  header.encryptedDataKeys(),
                  header.encryptionContext(),
                  reproduced));
    } catch (NoUsableDataKeyException e) {
      if (unstored.isEmpty()) {
        throw e;
      }
      throw unstoredPairsNotBound(header, reproduced, unstored, e);
    }
    return checkDecryptionMaterials(header, reproduced, unstored, materials);
  }

  private void checkDecryptPolicy(MessageHeader header) {
    if (!commitmentPolicy.allowsDecrypt(header.suite())) {
      throw new InvalidMessageException(
          "message uses legacy non-committing suite "
              + header.suite()
              + ", which commitment policy "
              + commitmentPolicy
              + " refuses; to read old data during a migration,"
              + " build the Envelope with CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT");
    }
  }

  /** The expected context's keys that the header does not store: reproduced pairs. */
  private static Set<String> unstoredKeys(MessageHeader header, Map<String, String> reproduced) {
    Set<String> unstored = null;
    for (String key : reproduced.keySet()) {
      if (!header.encryptionContext().containsKey(key)) {
        if (unstored == null) {
          unstored = new TreeSet<>();
        }
        unstored.add(key);
      }
    }
    // The record path: the expected context is the stored one, nothing allocated.
    return unstored == null ? Set.of() : unstored;
  }

  /**
   * Checks that the materials fit the message and bind every reproduced pair; closes them and
   * throws if not.
   */
  private static DecryptionMaterials checkDecryptionMaterials(
      MessageHeader header,
      Map<String, String> reproduced,
      Set<String> unstored,
      DecryptionMaterials materials) {
    if (materials.suite() != header.suite() || !materials.hasDataKey()) {
      materials.close();
      throw new IllegalStateException(
          "materials manager returned materials that do not fit the message");
    }
    // Every expected pair the header does not store must reach the header authentication; a manager
    // that dropped one would let an unauthenticated pair pass as the message's context.
    for (String key : unstored) {
      if (!materials.requiredEncryptionContextKeys().contains(key)
          || !reproduced.get(key).equals(materials.encryptionContext().get(key))) {
        materials.close();
        throw new EncryptionContextMismatchException(unstored);
      }
    }
    return materials;
  }

  /**
   * Explains why no data key unwrapped when the caller expected pairs the header does not store.
   * Keyrings that bind the context to the wrapped key (raw AES, KMS) fail on such pairs unless the
   * message was encrypted with them as required context. If the key unwraps without them, the
   * message never had them: a context mismatch. Otherwise the pairs (or the keys held) differ from
   * the message's. Costs one more key-provider call, on this failure path only.
   */
  private RuntimeException unstoredPairsNotBound(
      MessageHeader header,
      Map<String, String> reproduced,
      Set<String> unstored,
      NoUsableDataKeyException failure) {
    try (DecryptionMaterials without =
        materialsManager.decryptMaterials(storedPairsOnly(header, reproduced, unstored))) {
      return new EncryptionContextMismatchException(unstored);
    } catch (NoUsableDataKeyException again) {
      return unstoredPairsDiffer(unstored, failure);
    }
  }

  private static DecryptionRequest storedPairsOnly(
      MessageHeader header, Map<String, String> reproduced, Set<String> unstored) {
    Map<String, String> stored = new HashMap<>(reproduced);
    stored.keySet().removeAll(unstored);
    return new DecryptionRequest(
        header.suite(), header.encryptedDataKeys(), header.encryptionContext(), stored);
  }

  private static InvalidMessageException unstoredPairsDiffer(
      Set<String> unstored, NoUsableDataKeyException failure) {
    return new InvalidMessageException(
        "no encrypted data key decrypts under the expected encryption context: the expected pairs"
            + " the message does not store "
            + UntrustedText.list(unstored)
            + " differ from the required pairs it was encrypted with, or "
            + failure.getMessage(),
        failure);
  }

  /**
   * Throws unless every non-reserved entry of the stored context {@code actual} is in {@code
   * expected} with the same value. Reserved entries need not be expected, but one that is (say the
   * signer's public key) must be stored with that value. Other expected entries are reproduced
   * pairs, checked by the header tag.
   */
  static void checkExpectedContext(Map<String, String> actual, Map<String, String> expected) {
    if (storedPairsMatch(actual, expected)) {
      return;
    }
    Set<String> differing = new HashSet<>();
    Set<String> unstored = new HashSet<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String stored = actual.get(e.getKey());
      if (stored == null) {
        // Not stored: a reproduced pair, which the header tag must authenticate as required
        // context. The format never leaves reserved pairs out of the header.
        (e.getKey().startsWith(RESERVED_CONTEXT_PREFIX) ? differing : unstored).add(e.getKey());
      } else if (!stored.equals(e.getValue())) {
        differing.add(e.getKey());
      }
    }
    for (String key : actual.keySet()) {
      if (!key.startsWith(RESERVED_CONTEXT_PREFIX) && !expected.containsKey(key)) {
        differing.add(key);
      }
    }
    if (!differing.isEmpty()) {
      // The stored pairs already differ, so the expected pairs the header lacks are not the
      // required context of this message either: name them too.
      differing.addAll(unstored);
      throw new EncryptionContextMismatchException(differing);
    }
  }

  /**
   * Whether {@link #checkExpectedContext} passes, without allocating: every stored non-reserved
   * pair is expected with its value, and every expected pair is either stored with its value or a
   * non-reserved pair the header does not store.
   */
  private static boolean storedPairsMatch(
      Map<String, String> actual, Map<String, String> expected) {
    int expectedStored = 0;
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String stored = actual.get(e.getKey());
      if (stored == null) {
        if (e.getKey().startsWith(RESERVED_CONTEXT_PREFIX)) {
          return false;
        }
      } else if (!stored.equals(e.getValue())) {
        return false;
      } else {
        expectedStored++;
      }
    }
    if (expectedStored == actual.size()) {
      return true; // every stored pair is expected (and equal)
    }
    for (String key : actual.keySet()) {
      if (!key.startsWith(RESERVED_CONTEXT_PREFIX) && !expected.containsKey(key)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #encrypt} without blocking on the key provider: the data key comes from the materials
   * manager's asynchronous side ({@link AsyncMaterialsManager}, and through it {@link
   * dev.envelope.keyring.AsyncKeyring}), so with an asynchronous keyring such as the KMS keyring on
   * {@code KmsAsyncClient} no thread waits for KMS. The local encryption runs on the thread that
   * completes the key provider's future (or the caller's, if the key was at hand, as on a cache
   * hit). Keyrings that are not asynchronous run on the calling thread.
   *
   * <p>Cancelling the future, or completing it otherwise first ({@code orTimeout}), cancels the
   * key-provider call; a data key that arrives after that is zeroed, never used.
   *
   * <p>Failures complete the future exceptionally with the same exceptions {@link #encrypt} throws
   * (wrapped in {@code CompletionException} by {@code join}); nothing is thrown by this method.
   */
  public CompletableFuture<byte[]> encryptAsync(
      byte[] plaintext, Map<String, String> encryptionContext) {
    CompletableFuture<EncryptionMaterials> materials =
        Futures.start(
            () -> {
              Objects.requireNonNull(plaintext, "plaintext");
              checkCallerContext(encryptionContext, suite);
              return asyncMaterialsManager.getEncryptionMaterialsAsync(
                  new EncryptionRequest(
                      encryptionContext, suite, OptionalLong.of(plaintext.length)));
            });
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    materials.whenComplete(
        (m, failure) -> {
          if (failure != null) {
            failAsync(result, "encrypt", failure);
            return;
          }
          try (m) {
            if (result.isDone()) {
              return; // abandoned: the key is zeroed unused
            }
            byte[] message =
                writeOneShot(checkEncryptionMaterials(encryptionContext, m), plaintext);
            if (result.complete(message)) {
              metrics.encrypted(plaintext.length);
            }
          } catch (RuntimeException | Error e) {
            failAsync(result, "encrypt", e);
          }
        });
    Futures.cancelWhenAbandoned(result, materials);
    return result;
  }

  /**
   * {@link #decrypt(byte[])} without blocking on the key provider; see {@link #encryptAsync} for
   * threads and cancellation. Prefer {@link #decryptAsync(byte[], Map)}.
   */
  public CompletableFuture<DecryptResult> decryptAsync(byte[] message) {
    return decryptAsyncChecked(message, null);
  }

  /**
   * {@link #decrypt(byte[], Map)} without blocking on the key provider: the header is parsed and
   * the expected context checked on the calling thread (a mismatch costs no key-provider call), the
   * data key is recovered asynchronously, and the body is decrypted on the thread that completes
   * that. See {@link #encryptAsync} for threads and cancellation; plaintext that is ready only
   * after the future was abandoned is zeroed.
   */
  public CompletableFuture<DecryptResult> decryptAsync(
      byte[] message, Map<String, String> expectedContext) {
    if (expectedContext == null) {
      return CompletableFuture.failedFuture(new NullPointerException("expectedContext"));
    }
    return decryptAsyncChecked(message, expectedContext);
  }

  private CompletableFuture<DecryptResult> decryptAsyncChecked(
      byte[] message, Map<String, String> expectedContext) {
    MessageHeader header;
    try {
      Objects.requireNonNull(message, "message");
      // Parsed here to ask for the key; read again with the key below (the same bytes, a cheap
      // parse), by the reader that decrypts the body.
      header = MessageHeader.parse(message, 0, message.length, oneShotLimits);
      if (header == null) {
        throw new InvalidMessageException("message is truncated inside its header");
      }
      if (expectedContext != null) {
        checkExpectedContext(header.encryptionContext(), expectedContext);
      }
    } catch (RuntimeException e) {
      metrics.failed("decrypt", e);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<DecryptionMaterials> materials =
        Futures.start(() -> decryptionMaterialsAsync(header, expectedContext));
    CompletableFuture<DecryptResult> result = new CompletableFuture<>();
    materials.whenComplete(
        (m, failure) -> {
          if (failure != null) {
            failAsync(result, "decrypt", failure);
            return;
          }
          try (m) {
            if (result.isDone()) {
              return;
            }
            DecryptResult r =
                readOneShot(message, h -> new MessageDecryptor(h, m, AesGcm.forThread()));
            if (result.complete(r)) {
              metrics.decrypted(r.plaintext().length);
            } else {
              Arrays.fill(r.plaintext(), (byte) 0); // nobody will read it
            }
          } catch (RuntimeException | Error e) {
            failAsync(result, "decrypt", e);
          }
        });
    Futures.cancelWhenAbandoned(result, materials);
    return result;
  }

  /** {@link #decryptionMaterials} through the materials manager's asynchronous side. */
  private CompletableFuture<DecryptionMaterials> decryptionMaterialsAsync(
      MessageHeader header, Map<String, String> expectedContext) {
    checkDecryptPolicy(header);
    Map<String, String> reproduced = expectedContext == null ? Map.of() : expectedContext;
    Set<String> unstored = unstoredKeys(header, reproduced);
    CompletableFuture<DecryptionMaterials> first =
        asyncMaterialsManager.decryptMaterialsAsync(
            new DecryptionRequest(
                header.suite(),
                header.encryptedDataKeys(),
                header.encryptionContext(),
                reproduced));
    CompletableFuture<DecryptionMaterials> result = new CompletableFuture<>();
    first.whenComplete(
        (m, failure) -> {
          if (failure == null) {
            try {
              Futures.deliver(result, checkDecryptionMaterials(header, reproduced, unstored, m));
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
            }
            return;
          }
          Throwable cause = Futures.unwrap(failure);
          if (!(cause instanceof NoUsableDataKeyException noKey) || unstored.isEmpty()) {
            result.completeExceptionally(cause);
            return;
          }
          // As unstoredPairsNotBound: one more key-provider call, on this failure path only.
          CompletableFuture<DecryptionMaterials> again =
              Futures.start(
                  () ->
                      asyncMaterialsManager.decryptMaterialsAsync(
                          storedPairsOnly(header, reproduced, unstored)));
          Futures.cancelWhenAbandoned(result, again);
          again.whenComplete(
              (without, second) -> {
                if (second == null) {
                  Futures.closeQuietly(without);
                  result.completeExceptionally(new EncryptionContextMismatchException(unstored));
                } else if (Futures.unwrap(second) instanceof NoUsableDataKeyException) {
                  result.completeExceptionally(unstoredPairsDiffer(unstored, noKey));
                } else {
                  result.completeExceptionally(Futures.unwrap(second));
                }
              });
        });
    Futures.cancelWhenAbandoned(result, first);
    return result;
  }

  private void failAsync(CompletableFuture<?> result, String operation, Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    if (result.completeExceptionally(cause) && cause instanceof RuntimeException e) {
      metrics.failed(operation, e);
    }
  }

  /**
   * A stream that encrypts everything written to it into one message on {@code sink}, holding one
   * frame of plaintext at a time. {@code close()} writes the final frame (and signature) and closes
   * {@code sink}; without it the message is incomplete and will not decrypt. The output is
   * byte-for-byte the same format as {@link #encrypt}, so either side can be one-shot.
   */
  public EncryptingOutputStream encryptingStream(
      OutputStream sink, Map<String, String> encryptionContext) {
    Objects.requireNonNull(sink, "sink");
    EncryptionMaterials materials = encryptionMaterials(encryptionContext, OptionalLong.empty());
    try {
      MessageEncryptor encryptor =
          new MessageEncryptor(materials, frameSize, new AesGcm(), MessageIdSource.forThread());
      return StreamConstruction.factory()
          .encrypting(sink, encryptor, materials, metrics::encrypted, Long.MAX_VALUE);
    } catch (RuntimeException e) {
      materials.close();
      throw e;
    }
  }

  /**
   * Like {@link #encryptingStream(OutputStream, Map)}, for a message of at most {@code
   * expectedLength} plaintext bytes. The materials manager learns the length, so a {@link
   * dev.envelope.materials.CachingMaterialsManager} serves the stream from its cache and counts
   * {@code expectedLength} bytes against the data key's byte bound (a stream of unknown length
   * bypasses the cache, as in the AWS Encryption SDK, and costs a key-provider call). Writing fewer
   * bytes is fine; a write beyond {@code expectedLength} throws {@link
   * PlaintextLengthExceededException}, encrypts nothing of that write, and leaves the message
   * without its final frame, so it never decrypts as complete.
   *
   * @param expectedLength the most plaintext bytes that will be written, at least 0
   */
  public EncryptingOutputStream encryptingStream(
      OutputStream sink, Map<String, String> encryptionContext, long expectedLength) {
    Objects.requireNonNull(sink, "sink");
    if (expectedLength < 0) {
      throw new IllegalArgumentException("expectedLength must not be negative: " + expectedLength);
    }
    EncryptionMaterials materials =
        encryptionMaterials(encryptionContext, OptionalLong.of(expectedLength));
    try {
      MessageEncryptor encryptor =
          new MessageEncryptor(materials, frameSize, new AesGcm(), MessageIdSource.forThread());
      return StreamConstruction.factory()
          .encrypting(sink, encryptor, materials, metrics::encrypted, expectedLength);
    } catch (RuntimeException e) {
      materials.close();
      throw e;
    }
  }

  /** {@link #encryptingStream} over a channel. */
  public WritableByteChannel encryptingChannel(
      WritableByteChannel sink, Map<String, String> encryptionContext) {
    return Channels.newChannel(encryptingStream(Channels.newOutputStream(sink), encryptionContext));
  }

  /**
   * A stream of the plaintext of the message read from {@code source}, whatever its encryption
   * context; prefer {@link #decryptingStream(InputStream, Map)}. Memory is bounded by the message's
   * frame length (at most {@code maxFrameSize}). Only authenticated plaintext is returned; failures
   * are unchecked {@link EnvelopeException}s from {@code read}. Signed messages follow the {@link
   * SignedStreamPolicy}.
   */
  public DecryptingInputStream decryptingStream(InputStream source) {
    return openDecryptingStream(source, null);
  }

  /**
   * Like {@link #decryptingStream(InputStream)}, and fails on the first read, before any plaintext
   * and before the key provider is called, unless the context the message's header declares equals
   * {@code expectedContext} (reserved entries may be left out, as for {@link #decrypt(byte[],
   * Map)}). As there, a mismatch ({@link EncryptionContextMismatchException}) is found before the
   * header is authenticated.
   */
  public DecryptingInputStream decryptingStream(
      InputStream source, Map<String, String> expectedContext) {
    return openDecryptingStream(source, Objects.requireNonNull(expectedContext, "expectedContext"));
  }

  /** {@link #decryptingStream(InputStream, Map)} over a channel. */
  public ReadableByteChannel decryptingChannel(
      ReadableByteChannel source, Map<String, String> expectedContext) {
    return Channels.newChannel(decryptingStream(Channels.newInputStream(source), expectedContext));
  }

  private DecryptingInputStream openDecryptingStream(
      InputStream source, Map<String, String> expectedContext) {
    Objects.requireNonNull(source, "source");
    return StreamConstruction.factory()
        .decrypting(
            MessageReader.streaming(source, limits),
            source,
            header -> {
              try {
                return openDecryptor(header, expectedContext, new AesGcm());
              } catch (RuntimeException e) {
                metrics.failed("decrypt", e);
                throw e;
              }
            },
            signedStreamPolicy,
            maxSignedStreamBuffer,
            metrics::decrypted);
  }

  /**
   * Builds an {@link Envelope}. Exactly one of {@link #keyring} and {@link #materialsManager} is
   * required.
   */
  public static final class Builder {
    private Keyring keyring;
    private MaterialsManager materialsManager;
    private AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    private int frameSize = DEFAULT_FRAME_SIZE;
    private CommitmentPolicy commitmentPolicy = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
    private int maxEncryptedDataKeys = DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
    private int maxHeaderLength = DEFAULT_MAX_HEADER_LENGTH;
    private int maxFrameSize = MAX_FRAME_SIZE;
    private MeterRegistry meterRegistry;
    private SignedStreamPolicy signedStreamPolicy = SignedStreamPolicy.RELEASE_AUTHENTICATED_FRAMES;
    private long maxSignedStreamBuffer = 64L * 1024 * 1024;

    private Builder() {}

    /**
     * How decrypting streams treat signed messages; default {@link
     * SignedStreamPolicy#RELEASE_AUTHENTICATED_FRAMES}.
     */
    public Builder signedStreamPolicy(SignedStreamPolicy signedStreamPolicy) {
      this.signedStreamPolicy = Objects.requireNonNull(signedStreamPolicy, "signedStreamPolicy");
      return this;
    }

    /**
     * Plaintext a stream may hold under {@link SignedStreamPolicy#BUFFER_UNTIL_VERIFIED}; default
     * 64 MiB.
     */
    public Builder maxSignedStreamBuffer(long maxSignedStreamBuffer) {
      if (maxSignedStreamBuffer < 0 || maxSignedStreamBuffer > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            "maxSignedStreamBuffer must be 0.." + (Integer.MAX_VALUE - 16));
      }
      this.maxSignedStreamBuffer = maxSignedStreamBuffer;
      return this;
    }

    /** Wraps the keyring in a {@link DefaultMaterialsManager}. */
    public Builder keyring(Keyring keyring) {
      this.keyring = keyring;
      return this;
    }

    public Builder materialsManager(MaterialsManager materialsManager) {
      this.materialsManager = materialsManager;
      return this;
    }

    /**
     * A committing suite; defaults to {@link AlgorithmSuite#AES_256_GCM_HKDF_SHA512_COMMIT_KEY}.
     */
    public Builder algorithmSuite(AlgorithmSuite suite) {
      this.suite = Objects.requireNonNull(suite, "suite");
      return this;
    }

    /** Plaintext bytes per frame, 1 byte to 16 MiB; default 64 KiB. Streams buffer one frame. */
    public Builder frameSize(int frameSize) {
      this.frameSize = frameSize;
      return this;
    }

    public Builder commitmentPolicy(CommitmentPolicy commitmentPolicy) {
      this.commitmentPolicy = Objects.requireNonNull(commitmentPolicy, "commitmentPolicy");
      return this;
    }

    /** Messages with more encrypted data keys are refused before any is tried; default 10. */
    public Builder maxEncryptedDataKeys(int maxEncryptedDataKeys) {
      this.maxEncryptedDataKeys = maxEncryptedDataKeys;
      return this;
    }

    /** Messages with longer headers are refused; default 1 MiB. */
    public Builder maxHeaderLength(int maxHeaderLength) {
      this.maxHeaderLength = maxHeaderLength;
      return this;
    }

    /**
     * Decrypting streams refuse messages declaring larger frames, since they buffer one frame;
     * default 16 MiB, at most {@link #MAX_STREAM_FRAME_SIZE} (1 GiB). One-shot decryption, whose
     * input is already in memory, does not need this bound.
     */
    public Builder maxFrameSize(int maxFrameSize) {
      if (maxFrameSize < 1 || maxFrameSize > MAX_STREAM_FRAME_SIZE) {
        throw new IllegalArgumentException(
            "maxFrameSize must be between 1 and "
                + MAX_STREAM_FRAME_SIZE
                + " bytes (1 GiB), got "
                + maxFrameSize
                + ": a decrypting stream holds one frame of ciphertext and"
                + " one of plaintext in memory. Decrypt messages with larger frames one-shot");
      }
      this.maxFrameSize = maxFrameSize;
      return this;
    }

    /** Optional Micrometer registry for message and failure counters. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    public Envelope build() {
      if ((keyring == null) == (materialsManager == null)) {
        throw new IllegalStateException(
            "configure exactly one of keyring(...) and materialsManager(...)");
      }
      if (!suite.canEncrypt()) {
        throw new IllegalArgumentException(
            "suite "
                + suite
                + " is not committing; Envelope only decrypts it."
                + " Choose AES_256_GCM_HKDF_SHA512_COMMIT_KEY or its ECDSA_P384 variant");
      }
      if (frameSize < 1 || frameSize > MAX_FRAME_SIZE) {
        throw new IllegalArgumentException(
            "frame size must be between 1 and " + MAX_FRAME_SIZE + " bytes, got " + frameSize);
      }
      if (maxEncryptedDataKeys < 1 || maxEncryptedDataKeys > 0xFFFF) {
        throw new IllegalArgumentException("maxEncryptedDataKeys must be 1..65535");
      }
      if (maxHeaderLength < 256) {
        throw new IllegalArgumentException("maxHeaderLength must be at least 256 bytes");
      }
      return new Envelope(this);
    }
  }
}
