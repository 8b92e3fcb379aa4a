package dev.envelope.aws.local;

import static dev.envelope.aws.local.KeyHandlers.SYMMETRIC_DEFAULT;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.KmsOperation;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cryptographic operations: Encrypt, Decrypt, ReEncrypt and GenerateDataKey(WithoutPlaintext).
 * They take no lock: keys publish their state through volatile fields. Every plaintext and data key
 * is zeroed once its response is written.
 */
final class CryptoHandlers {
  static final int MAX_PLAINTEXT_BYTES = 4096;

  private final KeyStore store;
  private final Authorizer auth;
  private final SecureRandom random;

  CryptoHandlers(KeyStore store, Authorizer auth, SecureRandom random) {
    this.store = store;
    this.auth = auth;
    this.random = random;
  }

  void registerIn(OperationTable.Registry table) {
    table.register(KmsOperation.ENCRYPT, this::encrypt);
    table.register(KmsOperation.DECRYPT, this::decrypt);
    table.register(KmsOperation.RE_ENCRYPT, this::reEncrypt);
    table.register(KmsOperation.GENERATE_DATA_KEY, (call, req) -> generateDataKey(call, req, true));
    table.register(
        KmsOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT,
        (call, req) -> generateDataKey(call, req, false));
  }

  private String encrypt(Call call, KmsRequest req) {
    String keyIdParam = req.requiredString("KeyId");
    byte[] plaintext = req.requiredBlob("Plaintext");
    try {
      if (plaintext.length > MAX_PLAINTEXT_BYTES) {
        throw KmsException.validation(
            "1 validation error detected: Value at 'plaintext' failed "
                + "to satisfy constraint: Member must have length less than or equal to 4096");
      }
      Map<String, String> ctx = req.stringMap("EncryptionContext");
      requireSymmetricAlgorithm(req, "EncryptionAlgorithm");
      Set<String> grantIds = auth.grantTokens(call, req);
      call.encryptionContext = ctx;
      KeyStore.Resolved r = auth.resolve(call, keyIdParam, true, true);
      KmsKey key = r.key();
      auth.authorize(call, key, KmsOperation.ENCRYPT, ctx, r.requestAlias(), grantIds);
      Authorizer.requireUsable(key);
      Authorizer.dryRun(req);
      byte[] blob =
          CiphertextBlob.seal(key.material, key.accountId, key.keyId, ctx, plaintext, random);
      return JsonOutput.compact()
          .beginObject()
          .name("CiphertextBlob")
          .blob(blob)
          .field("KeyId", key.arn)
          .field("EncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private String generateDataKey(Call call, KmsRequest req, boolean withPlaintext) {
    KmsOperation op =
        withPlaintext
            ? KmsOperation.GENERATE_DATA_KEY
            : KmsOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT;
    String keyIdParam = req.requiredString("KeyId");
    int length = dataKeyLength(req);
    Map<String, String> ctx = req.stringMap("EncryptionContext");
    Set<String> grantIds = auth.grantTokens(call, req);
    if (req.has("Recipient")) {
      throw KmsException.unsupported("The local KMS does not support Recipient (Nitro enclaves)");
    }
    call.encryptionContext = ctx;
    KeyStore.Resolved r = auth.resolve(call, keyIdParam, true, true);
    KmsKey key = r.key();
    auth.authorize(call, key, op, ctx, r.requestAlias(), grantIds);
    Authorizer.requireUsable(key);
    Authorizer.dryRun(req);
    byte[] dataKey = randomBytes(length);
    try {
      byte[] blob =
          CiphertextBlob.seal(key.material, key.accountId, key.keyId, ctx, dataKey, random);
      JsonOutput j = JsonOutput.compact().beginObject().name("CiphertextBlob").blob(blob);
      if (withPlaintext) {
        j.name("Plaintext").blob(dataKey);
      }
      return j.field("KeyId", key.arn).endObject().toString();
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private static int dataKeyLength(KmsRequest req) {
    var spec = req.string("KeySpec");
    var bytes = req.integer("NumberOfBytes");
    if (spec.isPresent() == bytes.isPresent()) {
      throw KmsException.validation("Please specify either number of bytes or key spec.");
    }
    if (bytes.isPresent()) {
      int n = bytes.get();
      if (n < 1 || n > 1024) {
        throw KmsException.validation(
            "1 validation error detected: Value '"
                + n
                + "' at 'numberOfBytes' failed to satisfy constraint: Member must have value "
                + (n < 1 ? "greater than or equal to 1" : "less than or equal to 1024"));
      }
      return n;
    }
    return switch (spec.get()) {
      case "AES_256" -> 32;
      case "AES_128" -> 16;
      default ->
          throw KmsException.validation(
              "1 validation error detected: Value '"
                  + spec.get()
                  + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: "
                  + "[AES_256, AES_128]");
    };
  }

  private String decrypt(Call call, KmsRequest req) {
    byte[] blobBytes = req.requiredBlob("CiphertextBlob");
    Map<String, String> ctx = req.stringMap("EncryptionContext");
    requireSymmetricAlgorithm(req, "EncryptionAlgorithm");
    Set<String> grantIds = auth.grantTokens(call, req);
    if (req.has("Recipient")) {
      throw KmsException.unsupported("The local KMS does not support Recipient (Nitro enclaves)");
    }
    call.encryptionContext = ctx;
    CiphertextBlob blob = CiphertextBlob.parse(blobBytes);
    KeyStore.Resolved r = keyOfCiphertext(call, blob, req.string("KeyId").orElse(null));
    KmsKey key = r.key();
    auth.authorize(call, key, KmsOperation.DECRYPT, ctx, r.requestAlias(), grantIds);
    Authorizer.requireUsable(key);
    Authorizer.dryRun(req);
    byte[] plaintext = blob.open(key.material, ctx);
    try {
      return JsonOutput.compact()
          .beginObject()
          .field("KeyId", key.arn)
          .name("Plaintext")
          .blob(plaintext)
          .field("EncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  private String reEncrypt(Call call, KmsRequest req) {
    byte[] blobBytes = req.requiredBlob("CiphertextBlob");
    String destinationParam = req.requiredString("DestinationKeyId");
    Map<String, String> sourceCtx = req.stringMap("SourceEncryptionContext");
    Map<String, String> destinationCtx = req.stringMap("DestinationEncryptionContext");
    requireSymmetricAlgorithm(req, "SourceEncryptionAlgorithm");
    requireSymmetricAlgorithm(req, "DestinationEncryptionAlgorithm");
    Set<String> grantIds = auth.grantTokens(call, req);
    call.encryptionContext = destinationCtx;
    CiphertextBlob blob = CiphertextBlob.parse(blobBytes);
    KeyStore.Resolved src = keyOfCiphertext(call, blob, req.string("SourceKeyId").orElse(null));
    call.sourceKeyArn = src.key().arn;
    KeyStore.Resolved dst = auth.resolve(call, destinationParam, true, true);
    // ReEncrypt is two permissions on two keys, each with its own encryption context.
    Map<String, List<String>> sameKey =
        Map.of("kms:ReEncryptOnSameKey", List.of(Boolean.toString(src.key() == dst.key())));
    auth.authorize(
        call,
        src.key(),
        KmsOperation.RE_ENCRYPT_FROM,
        sourceCtx,
        src.requestAlias(),
        grantIds,
        null,
        sameKey);
    auth.authorize(
        call,
        dst.key(),
        KmsOperation.RE_ENCRYPT_TO,
        destinationCtx,
        dst.requestAlias(),
        grantIds,
        null,
        sameKey);
    Authorizer.requireUsable(src.key());
    Authorizer.requireUsable(dst.key());
    Authorizer.dryRun(req);
    byte[] plaintext = blob.open(src.key().material, sourceCtx);
    try {
      byte[] out =
          CiphertextBlob.seal(
              dst.key().material,
              dst.key().accountId,
              dst.key().keyId,
              destinationCtx,
              plaintext,
              random);
      return JsonOutput.compact()
          .beginObject()
          .name("CiphertextBlob")
          .blob(out)
          .field("SourceKeyId", src.key().arn)
          .field("KeyId", dst.key().arn)
          .field("SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .field("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT)
          .endObject()
          .toString();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The key a ciphertext names, found in this Region: the blob carries account and key id, so
   * Decrypt needs no KeyId, even across accounts. A KeyId, when given, must name that same key
   * (IncorrectKeyException otherwise); it also supplies kms:RequestAlias.
   */
  private KeyStore.Resolved keyOfCiphertext(Call call, CiphertextBlob blob, String keyIdParam) {
    KeyStore.Resolved given = null;
    if (keyIdParam != null) {
      given = auth.resolve(call, keyIdParam, true, true);
      if (!given.key().accountId.equals(blob.accountId())
          || !given.key().keyId.equals(blob.keyId())) {
        call.keyArn = given.key().arn;
        throw new KmsException(
            "IncorrectKeyException",
            "The key ID in the request does not "
                + "identify a KMS key that can perform this operation.");
      }
    }
    KmsKey key = store.find(call.region, blob.accountId(), blob.keyId());
    if (key == null) {
      // A key of another Region (that is not a replica here) or one that no longer exists.
      throw KmsException.invalidCiphertext();
    }
    call.keyArn = key.arn;
    return new KeyStore.Resolved(key, given == null ? null : given.requestAlias());
  }

  private static void requireSymmetricAlgorithm(KmsRequest req, String member) {
    req.string(member)
        .ifPresent(
            a -> {
              if (!a.equals(SYMMETRIC_DEFAULT)) {
                throw new KmsException(
                    "InvalidKeyUsageException",
                    "The encryption algorithm "
                        + a
                        + " is not supported by a symmetric encryption KMS key.");
              }
            });
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
