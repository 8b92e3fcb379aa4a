package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.RawAesKeyring;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Writes messages field by field so that tests can make exactly one field wrong while everything
 * else, header tag, frame tags and signature included, stays valid: a rejection then proves that
 * the structural check itself works, not that GCM noticed the change.
 *
 * <p>Data keys are wrapped by {@link #KEYRING}; {@link #WRAPPING_KEY} lets other implementations
 * read them.
 */
public final class MessageForge {
  public static final byte[] WRAPPING_KEY = new byte[32];
  public static final String NAMESPACE = "forge-ns";
  public static final String NAME = "forge-key";

  static {
    new Random(1234).nextBytes(WRAPPING_KEY);
  }

  public static final RawAesKeyring KEYRING =
      RawAesKeyring.builder()
          .keyNamespace(NAMESPACE)
          .keyName(NAME)
          .wrappingKey(WRAPPING_KEY)
          .build();

  /** One frame of the body; every field may be set to something wrong. */
  public static final class Frame {
    final boolean fin;
    final byte[] plaintext;
    int sequenceField;
    Integer aadSequence;
    Long declaredLength;
    byte[] iv;

    private Frame(boolean fin, int sequence, byte[] plaintext) {
      this.fin = fin;
      this.sequenceField = sequence;
      this.plaintext = plaintext;
    }

    /** Writes {@code declared} as the final frame's length field and authenticates that value. */
    public Frame declaredLength(long declared) {
      this.declaredLength = declared;
      return this;
    }

    /** The sequence number bound into AAD and IV, if it must differ from the field. */
    public Frame aadSequence(int sequence) {
      this.aadSequence = sequence;
      return this;
    }

    public Frame iv(byte[] iv) {
      this.iv = iv;
      return this;
    }
  }

  public static Frame regular(int sequence, byte[] plaintext) {
    return new Frame(false, sequence, plaintext);
  }

  public static Frame fin(int sequence, byte[] plaintext) {
    return new Frame(true, sequence, plaintext);
  }

  public AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  public Integer versionByte;
  public Integer suiteIdField;

  /** Version 1 only: the type byte, reserved field and IV length field. */
  public int v1Type = 0x80;

  public int v1Reserved;
  public int v1IvLength = 12;
  public byte[] messageId;
  public Map<String, String> context = new LinkedHashMap<>();

  /** Replaces the serialized context (the bytes after the AAD length field). */
  public byte[] aadBytes;

  /** Encrypted data keys written before and after the one that {@link #KEYRING} can open. */
  public List<EncryptedDataKey> edksBefore = new ArrayList<>();

  public List<EncryptedDataKey> edksAfter = new ArrayList<>();
  public boolean includeOurEdk = true;
  public int contentType = MessageHeader.CONTENT_TYPE_FRAMED;
  public int frameLength = 16;
  public boolean corruptCommitment;
  public boolean corruptHeaderTag;

  /** Framed body, or null for the usual layout of {@link #plaintext}. */
  public List<Frame> frames;

  public byte[] plaintext = new byte[0];

  /** For non-framed content: the declared length field, if it must differ from the real one. */
  public Long singleBlockDeclared;

  /** Replaces the footer of a signed message (or adds one to an unsigned one). */
  public byte[] footer;

  public boolean omitFooter;
  public byte[] trailing = new byte[0];

  /** Signed suites: the context carries this public key instead of the signer's. */
  public String publicKeyOverride;

  public boolean omitPublicKey;

  /**
   * Regular frames of {@link #frameLength} and a final frame, as a conforming writer lays them out.
   */
  public static List<Frame> standardFrames(byte[] plaintext, int frameLength) {
    List<Frame> out = new ArrayList<>();
    int seq = 1;
    int p = 0;
    while (frameLength > 0 && plaintext.length - p > frameLength) {
      out.add(regular(seq++, Arrays.copyOfRange(plaintext, p, p + frameLength)));
      p += frameLength;
    }
    out.add(fin(seq, Arrays.copyOfRange(plaintext, p, plaintext.length)));
    return out;
  }

  public byte[] build() {
    try {
      return buildUnchecked();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] buildUnchecked() throws Exception {
    SecureRandom random = new SecureRandom();
    Map<String, String> fullContext = new LinkedHashMap<>(context);
    KeyPair signing = null;
    if (suite.isSigned()) {
      signing = Ecdsa.generateKeyPair(suite, random);
      if (!omitPublicKey) {
        fullContext.put(
            Ecdsa.PUBLIC_KEY_CONTEXT_KEY,
            publicKeyOverride != null
                ? publicKeyOverride
                : Ecdsa.encodePublicKey(signing.getPublic()));
      }
    }
    EncryptionMaterials materials =
        KEYRING.onEncrypt(
            EncryptionMaterials.of(
                suite, fullContext, signing == null ? null : signing.getPrivate()));
    byte[] dataKey = materials.dataKey().bytes().clone();
    int version = suite.messageFormatVersion();
    if (messageId == null) {
      messageId = new byte[version == 2 ? 32 : 16];
      random.nextBytes(messageId);
    }
    MessageKeys keys = MessageKeys.derive(suite, dataKey, messageId);

    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(versionByte != null ? versionByte : version);
    if (version == 1) {
      header.write(v1Type);
    }
    writeShort(header, suiteIdField != null ? suiteIdField : suite.id());
    header.write(messageId);
    byte[] aad = aadBytes != null ? aadBytes : EncryptionContextCodec.serialize(fullContext);
    writeShort(header, aad.length);
    header.write(aad);
    List<EncryptedDataKey> edks = new ArrayList<>(edksBefore);
    if (includeOurEdk) {
      edks.addAll(materials.encryptedDataKeys());
    }
    edks.addAll(edksAfter);
    writeShort(header, edks.size());
    for (EncryptedDataKey edk : edks) {
      writeField(header, edk.providerId().getBytes(StandardCharsets.UTF_8));
      writeField(header, edk.providerInfo());
      writeField(header, edk.ciphertext());
    }
    header.write(contentType);
    byte[] headerIv = new byte[12];
    if (version == 1) {
      writeInt(header, v1Reserved);
      header.write(v1IvLength);
      writeInt(header, frameLength);
    } else {
      writeInt(header, frameLength);
      byte[] commitment = keys.commitment().clone();
      if (corruptCommitment) {
        commitment[0] ^= 1;
      }
      header.write(commitment);
    }
    byte[] headerBody = header.toByteArray();
    byte[] tag = gcm(Cipher.ENCRYPT_MODE, keys, headerIv, headerBody, new byte[0]);
    if (corruptHeaderTag) {
      tag[3] ^= 1;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(headerBody);
    if (version == 1) {
      out.write(headerIv);
    }
    out.write(tag);

    BodyAad bodyAad = new BodyAad(messageId);
    if (contentType == MessageHeader.CONTENT_TYPE_NON_FRAMED) {
      byte[] iv = bodyAad.iv(1).clone();
      out.write(iv);
      byte[] ct =
          gcm(
              Cipher.ENCRYPT_MODE,
              keys,
              iv,
              bodyAad.aad(BodyAad.FrameKind.SINGLE_BLOCK, 1, plaintext.length).clone(),
              plaintext);
      writeLong(out, singleBlockDeclared != null ? singleBlockDeclared : plaintext.length);
      out.write(ct);
    } else {
      List<Frame> body = frames != null ? frames : standardFrames(plaintext, frameLength);
      for (Frame f : body) {
        int seq = f.aadSequence != null ? f.aadSequence : f.sequenceField;
        long length = f.declaredLength != null ? f.declaredLength : f.plaintext.length;
        byte[] iv = f.iv != null ? f.iv : bodyAad.iv(seq).clone();
        byte[] frameAad =
            bodyAad
                .aad(
                    f.fin ? BodyAad.FrameKind.FINAL : BodyAad.FrameKind.REGULAR,
                    seq,
                    f.fin ? length : f.plaintext.length)
                .clone();
        if (f.fin) {
          writeInt(out, -1);
        }
        writeInt(out, f.sequenceField);
        out.write(iv);
        if (f.fin) {
          writeInt(out, (int) length);
        }
        out.write(gcm(Cipher.ENCRYPT_MODE, keys, iv, frameAad, f.plaintext));
      }
    }
    if (signing != null && !omitFooter) {
      byte[] signedPart = out.toByteArray();
      byte[] sig;
      if (footer != null) {
        out.write(footer);
      } else {
        Ecdsa.Signer signer = Ecdsa.signer(suite, signing.getPrivate());
        signer.update(signedPart);
        sig = signer.sign();
        writeShort(out, sig.length);
        out.write(sig);
      }
    } else if (footer != null) {
      out.write(footer);
    }
    out.write(trailing);
    keys.close();
    materials.close();
    return out.toByteArray();
  }

  private static byte[] gcm(int mode, MessageKeys keys, byte[] iv, byte[] aad, byte[] in)
      throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, keys.key(), new GCMParameterSpec(128, iv));
    c.updateAAD(aad);
    return c.doFinal(in);
  }

  private static void writeField(ByteArrayOutputStream out, byte[] b) {
    writeShort(out, b.length);
    out.write(b, 0, b.length);
  }

  private static void writeShort(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(ByteBuffer.allocate(4).putInt(v).array(), 0, 4);
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    out.write(ByteBuffer.allocate(8).putLong(v).array(), 0, 8);
  }

  /** The serialization of the given pairs in the given order, bypassing the codec's sorting. */
  public static byte[] rawContext(String... keysAndValues) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeShort(out, keysAndValues.length / 2);
    for (String s : keysAndValues) {
      writeField(out, s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
