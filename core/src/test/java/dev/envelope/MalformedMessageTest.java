package dev.envelope;

import static dev.envelope.internal.format.MessageForge.fin;
import static dev.envelope.internal.format.MessageForge.regular;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.encryptionsdk.AwsCrypto;
import dev.envelope.internal.format.MessageForge;
import dev.envelope.keyring.EncryptedDataKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Messages with exactly one field wrong and every tag and signature valid (see {@link
 * MessageForge}), read every way Envelope offers: one-shot, streams with large and one-byte
 * buffers, {@code read()}, {@code skip}, a trickling source and channels. All ways must agree; a
 * rejected message must fail with an {@link EnvelopeException} and release at most a proper prefix
 * of the plaintext; and where the official ESDK is a meaningful reference, it must reach the same
 * verdict.
 */
class MalformedMessageTest {
  private static final Envelope ENVELOPE = Envelope.builder().keyring(MessageForge.KEYRING).build();
  private static final Envelope PERMISSIVE =
      Envelope.builder()
          .keyring(MessageForge.KEYRING)
          .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
          .build();
  private static final IKeyring ESDK_KEYRING =
      MaterialProviders.builder()
          .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
          .build()
          .CreateRawAesKeyring(
              CreateRawAesKeyringInput.builder()
                  .keyNamespace(MessageForge.NAMESPACE)
                  .keyName(MessageForge.NAME)
                  .wrappingKey(ByteBuffer.wrap(MessageForge.WRAPPING_KEY.clone()))
                  .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                  .build());
  private static final AwsCrypto ESDK = AwsCrypto.builder().build();

  private static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size * 7L + 1).nextBytes(b);
    return b;
  }

  private static MessageForge forge(Consumer<MessageForge> edit) {
    MessageForge f = new MessageForge();
    f.context.put("tenant", "acme");
    f.plaintext = data(40);
    edit.accept(f);
    return f;
  }

  // ---- reading every way ----

  /** What one way of reading returned: the plaintext released and the failure, if any. */
  private record Outcome(String how, byte[] released, Throwable failure) {}

  private interface Reader {
    byte[] read(InputStream in, ByteArrayOutputStream released) throws IOException;
  }

  private static Outcome stream(String how, Envelope envelope, InputStream source, Reader reader) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    try (InputStream in = envelope.decryptingStream(source)) {
      reader.read(in, released);
      return new Outcome(how, released.toByteArray(), null);
    } catch (Throwable t) {
      return new Outcome(how, released.toByteArray(), t);
    }
  }

  private static InputStream trickle(byte[] message) {
    return new FilterInputStream(new ByteArrayInputStream(message)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  private static List<Outcome> readAllWays(Envelope envelope, byte[] message) {
    List<Outcome> out = new ArrayList<>();
    Map<String, String> channelContext = Map.of("tenant", "acme");
    try {
      DecryptResult result = envelope.decrypt(message);
      channelContext = result.encryptionContext();
      out.add(new Outcome("one-shot", result.plaintext(), null));
    } catch (Throwable t) {
      out.add(new Outcome("one-shot", new byte[0], t));
    }
    for (int size : new int[] {1, 7, 8192}) {
      out.add(
          stream(
              "buffer " + size,
              envelope,
              new ByteArrayInputStream(message),
              (in, released) -> {
                byte[] buf = new byte[size];
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                  assertThat(in.available()).isGreaterThanOrEqualTo(0);
                  released.write(buf, 0, n);
                }
                return null;
              }));
    }
    out.add(
        stream(
            "read()",
            envelope,
            trickle(message),
            (in, released) -> {
              int b;
              while ((b = in.read()) >= 0) {
                released.write(b);
              }
              return null;
            }));
    out.add(
        stream(
            "skip",
            envelope,
            new ByteArrayInputStream(message),
            (in, released) -> {
              // Alternate skip(3) and read of 5; skipped bytes are recorded as zeros, compared
              // below as such.
              byte[] buf = new byte[5];
              while (true) {
                long skipped = in.skip(3);
                released.write(new byte[(int) skipped], 0, (int) skipped);
                int n = in.read(buf);
                if (n < 0) {
                  return null;
                }
                released.write(buf, 0, n);
              }
            }));
    ByteArrayOutputStream fromChannel = new ByteArrayOutputStream();
    try (ReadableByteChannel ch =
        envelope.decryptingChannel(
            Channels.newChannel(new ByteArrayInputStream(message)), channelContext)) {
      ByteBuffer buf = ByteBuffer.allocate(3);
      while (ch.read(buf) >= 0) {
        fromChannel.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      out.add(new Outcome("channel", fromChannel.toByteArray(), null));
    } catch (Throwable t) {
      out.add(new Outcome("channel", fromChannel.toByteArray(), t));
    }
    return out;
  }

  private static byte[] maskSkipped(String how, byte[] plaintext) {
    if (!how.equals("skip")) {
      return plaintext;
    }
    byte[] masked = plaintext.clone();
    for (int i = 0; i < masked.length; i += 8) {
      Arrays.fill(masked, i, Math.min(i + 3, masked.length), (byte) 0);
    }
    return masked;
  }

  private static void assertAccepted(Envelope envelope, byte[] message, byte[] plaintext) {
    for (Outcome o : readAllWays(envelope, message)) {
      if (o.failure() != null) {
        throw new AssertionError(o.how() + " rejected a valid message", o.failure());
      }
      assertThat(o.released()).as(o.how()).isEqualTo(maskSkipped(o.how(), plaintext));
    }
  }

  private static void assertRejected(
      Envelope envelope, byte[] message, byte[] plaintext, String why) {
    for (Outcome o : readAllWays(envelope, message)) {
      if (o.failure() == null) {
        fail(
            o.how()
                + " accepted a message with "
                + why
                + " and returned "
                + o.released().length
                + " bytes");
      }
      if (!(o.failure() instanceof EnvelopeException)) {
        throw new AssertionError(
            o.how() + " failed on " + why + " with an undeclared exception", o.failure());
      }
      assertThat(o.released().length)
          .as(o.how() + " released too much for " + why)
          .isLessThan(Math.max(plaintext.length, 1));
      assertThat(o.released())
          .as(o.how())
          .isEqualTo(maskSkipped(o.how(), Arrays.copyOf(plaintext, o.released().length)));
    }
  }

  private static boolean esdkAccepts(byte[] message) {
    try {
      ESDK.decryptData(ESDK_KEYRING, message);
      return true;
    } catch (RuntimeException e) {
      return false;
    } catch (OutOfMemoryError e) {
      throw new AssertionError("the ESDK ran out of memory on this message", e);
    }
  }

  private static void rejectedLikeEsdk(MessageForge f, String why) {
    byte[] message = f.build();
    assertRejected(ENVELOPE, message, f.plaintext, why);
    assertThat(esdkAccepts(message)).as("the ESDK accepts a message with " + why).isFalse();
  }

  // ---- baseline ----

  @Test
  void forgedMessagesAreValidUntilAltered() {
    byte[] message = forge(f -> {}).build();
    assertAccepted(ENVELOPE, message, data(40));
    assertThat(esdkAccepts(message)).isTrue();
    MessageForge signed =
        forge(f -> f.suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);
    byte[] signedMessage = signed.build();
    assertThat(ENVELOPE.decrypt(signedMessage).plaintext()).isEqualTo(data(40));
    assertThat(esdkAccepts(signedMessage)).isTrue();
  }

  // ---- header ----

  @Test
  void headerVersionTypeAndSuiteMustBeKnownAndConsistent() {
    for (int version : new int[] {0, 3, 0x80, 0xFF}) {
      rejectedLikeEsdk(forge(f -> f.versionByte = version), "version byte " + version);
    }
    rejectedLikeEsdk(forge(f -> f.suiteIdField = 0x0479), "an unknown suite id");
    rejectedLikeEsdk(forge(f -> f.suiteIdField = 0x0000), "suite id 0");
    // A v1 suite id inside a v2 layout, and a v2 suite id inside a v1 layout.
    rejectedLikeEsdk(forge(f -> f.suiteIdField = 0x0178), "a v1 suite in a v2 header");
    MessageForge v2InV1 =
        forge(
            f -> {
              f.suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA256;
              f.suiteIdField = 0x0478;
            });
    assertRejected(PERMISSIVE, v2InV1.build(), v2InV1.plaintext, "a v2 suite in a v1 header");
  }

  @Test
  void legacyHeaderFieldsAreChecked() {
    MessageForge valid = forge(f -> f.suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA256);
    byte[] message = valid.build();
    assertAccepted(PERMISSIVE, message, valid.plaintext);
    assertRejected(
        ENVELOPE, message, valid.plaintext, "a legacy suite under a strict commitment policy");
    for (Consumer<MessageForge> edit :
        List.<Consumer<MessageForge>>of(
            f -> f.v1Type = 0x81,
            f -> f.v1Reserved = 1,
            f -> f.v1Reserved = 0x80000000,
            f -> f.v1IvLength = 16,
            f -> f.v1IvLength = 0)) {
      MessageForge bad =
          forge(
              f -> {
                f.suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA256;
                edit.accept(f);
              });
      assertRejected(
          PERMISSIVE, bad.build(), bad.plaintext, "a bad v1 type, reserved field or IV length");
    }
  }

  @Test
  void encryptionContextSerializationIsStrict() {
    // Empty context: zero-length AAD. Two bytes declaring zero pairs is not the same thing.
    MessageForge empty = forge(f -> f.context.clear());
    assertAccepted(ENVELOPE, empty.build(), empty.plaintext);
    rejectedLikeEsdk(
        forge(
            f -> {
              f.context.clear();
              f.aadBytes = new byte[] {0, 0};
            }),
        "a context of zero pairs in two bytes");
    rejectedLikeEsdk(
        forge(f -> f.aadBytes = MessageForge.rawContext("tenant", "acme", "tenant", "acme")),
        "a duplicate context key");
    rejectedLikeEsdk(
        forge(f -> f.aadBytes = Arrays.copyOf(MessageForge.rawContext("tenant", "acme"), 13)),
        "a context cut inside a value");
    // The ESDK for Java ignores what follows the last pair; the specification sizes the pairs
    // exactly.
    byte[] trailingPair = MessageForge.rawContext("tenant", "acme");
    MessageForge trailing =
        forge(f -> f.aadBytes = Arrays.copyOf(trailingPair, trailingPair.length + 2));
    assertRejected(
        ENVELOPE, trailing.build(), trailing.plaintext, "bytes after the last context pair");
    byte[] badUtf8 = MessageForge.rawContext("tenant", "acme");
    badUtf8[badUtf8.length - 1] = (byte) 0xC3;
    MessageForge invalid = forge(f -> f.aadBytes = badUtf8);
    assertRejected(
        ENVELOPE, invalid.build(), invalid.plaintext, "a context value that is not UTF-8");
  }

  @Test
  void unsortedContextKeysAreReadLikeTheEsdkReadsThem() {
    MessageForge unsorted =
        forge(
            f -> {
              f.context.put("alpha", "1");
              f.aadBytes = MessageForge.rawContext("tenant", "acme", "alpha", "1");
            });
    byte[] message = unsorted.build();
    boolean esdk = esdkAccepts(message);
    System.out.println("ESDK accepts unsorted context keys: " + esdk);
    if (esdk) {
      assertAccepted(ENVELOPE, message, unsorted.plaintext);
      assertThat(ENVELOPE.decrypt(message).encryptionContext())
          .isEqualTo(Map.of("tenant", "acme", "alpha", "1"));
    } else {
      assertRejected(ENVELOPE, message, unsorted.plaintext, "unsorted context keys");
    }
  }

  @Test
  void encryptedDataKeyFieldsAreBoundedByTheHeader() {
    rejectedLikeEsdk(forge(f -> f.includeOurEdk = false), "no encrypted data keys");
    // A provider id, info or ciphertext length running past the end of the message.
    byte[] message = forge(f -> {}).build();
    int edkCount = 1 + 2 + 32 + 2 + MessageForge.rawContext("tenant", "acme").length;
    assertThat(message[edkCount + 1]).isEqualTo((byte) 1);
    int providerLength = edkCount + 2;
    for (int field = 0; field < 3; field++) {
      byte[] bad = message.clone();
      int at = providerLength;
      for (int skip = 0; skip < field; skip++) {
        at += 2 + (((bad[at] & 0xFF) << 8) | (bad[at + 1] & 0xFF));
      }
      bad[at] = (byte) 0xFF;
      bad[at + 1] = (byte) 0xFF;
      assertRejected(ENVELOPE, bad, data(40), "EDK field " + field + " declaring 65535 bytes");
      assertThat(esdkAccepts(bad)).isFalse();
    }
    // Keys nobody here can open, around the one we can: they are skipped, not fatal.
    MessageForge others =
        forge(
            f -> {
              f.edksBefore.add(
                  new EncryptedDataKey(
                      "aws-kms",
                      "arn:aws:kms:us-east-1:111122223333:key/x".getBytes(StandardCharsets.UTF_8),
                      new byte[200]));
              f.edksBefore.add(
                  new EncryptedDataKey(
                      MessageForge.NAMESPACE,
                      "other".getBytes(StandardCharsets.UTF_8),
                      new byte[48]));
              f.edksAfter.add(
                  new EncryptedDataKey(MessageForge.NAMESPACE, new byte[0], new byte[0]));
            });
    assertAccepted(ENVELOPE, others.build(), others.plaintext);
    MessageForge onlyOthers =
        forge(
            f -> {
              f.includeOurEdk = false;
              f.edksBefore.add(new EncryptedDataKey("aws-kms", new byte[3], new byte[3]));
            });
    assertThatThrownBy(() -> ENVELOPE.decrypt(onlyOthers.build()))
        .isInstanceOf(NoUsableDataKeyException.class);
  }

  @Test
  void contentTypeAndFrameLengthMustAgree() {
    for (int type : new int[] {0, 3, 0xFF}) {
      rejectedLikeEsdk(forge(f -> f.contentType = type), "content type " + type);
    }
    rejectedLikeEsdk(forge(f -> f.frameLength = 0), "a framed message with frame length 0");
    MessageForge nonFramed =
        forge(
            f -> {
              f.contentType = 1;
              f.frameLength = 0;
            });
    assertAccepted(ENVELOPE, nonFramed.build(), nonFramed.plaintext);
    // The specification requires 0 here; the ESDK for Java does not check it.
    MessageForge nonFramedWithFrame =
        forge(
            f -> {
              f.contentType = 1;
              f.frameLength = 16;
            });
    assertRejected(
        ENVELOPE,
        nonFramedWithFrame.build(),
        nonFramedWithFrame.plaintext,
        "a non-framed message declaring a frame length");
    MessageForge negative =
        forge(
            f -> {
              f.frameLength = 0x80000000;
              f.frames = List.of(fin(1, data(40)));
            });
    assertRejected(ENVELOPE, negative.build(), negative.plaintext, "frame length 2^31");
  }

  @Test
  void headerAuthenticationAndCommitmentAreChecked() {
    rejectedLikeEsdk(forge(f -> f.corruptHeaderTag = true), "a wrong header tag");
    rejectedLikeEsdk(forge(f -> f.corruptCommitment = true), "a wrong key commitment");
  }

  // ---- body ----

  @Test
  void sequenceNumbersStartAtOneAndIncreaseByOne() {
    byte[] p = data(40);
    byte[] a = Arrays.copyOfRange(p, 0, 16);
    byte[] b = Arrays.copyOfRange(p, 16, 32);
    byte[] c = Arrays.copyOfRange(p, 32, 40);
    // Each frame authenticates under the sequence number it carries, so only the order check can
    // object.
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(0, a), regular(1, b), fin(2, c))), "first frame 0");
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(2, a), regular(3, b), fin(4, c))), "first frame 2");
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(1, a), regular(3, b), fin(4, c))), "a skipped frame");
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(1, a), regular(1, b), fin(2, c))),
        "a repeated number");
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(1, a), regular(2, b), fin(2, c))),
        "a final frame repeating the last number");
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(1, a), regular(2, b), fin(1, c))),
        "a final frame numbered 1 after two frames");
    // The field and the AAD disagree: GCM rejects it even though the field is in order.
    rejectedLikeEsdk(
        forge(f -> f.frames = List.of(regular(1, a), regular(2, b).aadSequence(5), fin(3, c))),
        "a frame authenticated under another number");
  }

  @Test
  void frameIvIsReadAsWrittenLikeTheEsdk() {
    // The format asks only that frame IVs be unique; the official ESDK reads whatever IV a frame
    // carries, and its key-commitment vectors use IVs other than the padded sequence number. The
    // frame AAD, not the IV, binds a frame to its message and position (see the reordering tests
    // above).
    byte[] p = data(40);
    byte[] iv = new byte[12];
    iv[0] = 1;
    iv[11] = 2;
    MessageForge f =
        forge(
            m ->
                m.frames =
                    List.of(
                        regular(1, Arrays.copyOf(p, 16)),
                        regular(2, Arrays.copyOfRange(p, 16, 32)).iv(iv),
                        fin(3, Arrays.copyOfRange(p, 32, 40))));
    byte[] message = f.build();
    assertAccepted(ENVELOPE, message, p);
    assertThat(esdkAccepts(message)).isTrue();
  }

  @Test
  void finalFrameLengthIsBoundedByTheFrameLength() {
    // Authenticated with the over-long length, so only the bound can reject it.
    rejectedLikeEsdk(
        forge(
            f -> {
              f.plaintext = data(17);
              f.frames = List.of(fin(1, data(17)));
            }),
        "a final frame longer than the frame length");
    rejectedLikeEsdk(
        forge(
            f -> {
              f.plaintext = data(24);
              f.frames =
                  List.of(
                      regular(1, Arrays.copyOf(data(24), 16)),
                      fin(2, new byte[0]).declaredLength(0xFFFFFFFFL));
            }),
        "a final frame declaring 4 GiB");
    // The ESDK itself sizes its output by such a header and runs out of memory, so it is no
    // reference here.
    MessageForge hugeFinal =
        forge(
            f -> {
              f.frameLength = 0x7FFFFFF0;
              f.plaintext = data(24);
              f.frames = List.of(fin(1, new byte[0]).declaredLength(0x7FFFFFF0L));
            });
    assertRejected(
        ENVELOPE,
        hugeFinal.build(),
        hugeFinal.plaintext,
        "a final frame declaring 2 GiB that is not there");
    MessageForge hugeRegular =
        forge(
            f -> {
              f.frameLength = 0x7FFFFFFF;
              f.plaintext = data(24);
              f.frames = List.of(regular(1, data(24)));
            });
    assertRejected(
        ENVELOPE,
        hugeRegular.build(),
        hugeRegular.plaintext,
        "a regular frame of 2 GiB that is not there");
  }

  @Test
  void finalFrameMayBeEmptyOrFullOrAlone() {
    byte[] p = data(32);
    MessageForge emptyFinal =
        forge(
            f -> {
              f.plaintext = p;
              f.frames =
                  List.of(
                      regular(1, Arrays.copyOf(p, 16)),
                      regular(2, Arrays.copyOfRange(p, 16, 32)),
                      fin(3, new byte[0]));
            });
    byte[] message = emptyFinal.build();
    assertAccepted(ENVELOPE, message, p);
    assertThat(esdkAccepts(message)).isTrue();
    MessageForge onlyFinal =
        forge(
            f -> {
              f.plaintext = Arrays.copyOf(p, 16);
              f.frames = List.of(fin(1, Arrays.copyOf(p, 16)));
            });
    assertAccepted(ENVELOPE, onlyFinal.build(), Arrays.copyOf(p, 16));
    MessageForge emptyMessage =
        forge(
            f -> {
              f.plaintext = new byte[0];
              f.frames = List.of(fin(1, new byte[0]));
            });
    assertAccepted(ENVELOPE, emptyMessage.build(), new byte[0]);
  }

  @Test
  void bodyMustEndWithExactlyOneFinalFrameAndNothingAfter() {
    byte[] p = data(40);
    rejectedLikeEsdk(
        forge(
            f ->
                f.frames =
                    List.of(
                        regular(1, Arrays.copyOf(p, 16)),
                        regular(2, Arrays.copyOfRange(p, 16, 32)))),
        "no final frame");
    rejectedLikeEsdk(
        forge(
            f ->
                f.frames =
                    List.of(
                        regular(1, Arrays.copyOf(p, 16)),
                        regular(2, Arrays.copyOfRange(p, 16, 32)),
                        fin(3, Arrays.copyOfRange(p, 32, 40)),
                        fin(4, new byte[0]))),
        "a second final frame");
    rejectedLikeEsdk(
        forge(
            f ->
                f.frames =
                    List.of(
                        regular(1, Arrays.copyOf(p, 16)),
                        fin(2, Arrays.copyOfRange(p, 16, 32)),
                        regular(3, Arrays.copyOfRange(p, 32, 48)))),
        "a regular frame after the final frame");
    rejectedLikeEsdk(forge(f -> f.trailing = new byte[] {0}), "one byte after the final frame");
    rejectedLikeEsdk(
        forge(f -> f.footer = new byte[] {0, 0}), "an empty footer on an unsigned message");
  }

  @Test
  void nonFramedLengthIsBoundedByTheBytesPresent() {
    Consumer<MessageForge> nonFramed =
        f -> {
          f.contentType = 1;
          f.frameLength = 0;
        };
    for (long declared : new long[] {41, 1L << 20, (1L << 36) - 32, 1L << 36, Long.MAX_VALUE, -1}) {
      rejectedLikeEsdk(
          forge(nonFramed.andThen(f -> f.singleBlockDeclared = declared)),
          "a non-framed length of " + declared);
    }
    rejectedLikeEsdk(
        forge(nonFramed.andThen(f -> f.trailing = new byte[3])), "bytes after a non-framed body");
  }

  // ---- signatures ----

  private static MessageForge signed(Consumer<MessageForge> edit) {
    return forge(
        ((Consumer<MessageForge>)
                f -> f.suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)
            .andThen(edit));
  }

  @Test
  void signedMessagesNeedTheirFooterAndKey() {
    byte[] valid = signed(f -> {}).build();
    assertAccepted(ENVELOPE, valid, data(40));
    rejectedLikeEsdk(signed(f -> f.omitFooter = true), "no footer");
    rejectedLikeEsdk(signed(f -> f.footer = new byte[] {0, 0}), "an empty signature");
    rejectedLikeEsdk(
        signed(f -> f.footer = new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3}),
        "a footer declaring 65535 bytes");
    byte[] garbage = new byte[2 + 103];
    garbage[1] = 103;
    for (int i = 2; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31);
    }
    garbage[2] = 0x30;
    rejectedLikeEsdk(signed(f -> f.footer = garbage), "a wrong signature");
    rejectedLikeEsdk(signed(f -> f.trailing = new byte[] {1}), "a byte after the footer");
    rejectedLikeEsdk(signed(f -> f.omitPublicKey = true), "no public key in the context");
    rejectedLikeEsdk(
        signed(f -> f.publicKeyOverride = "not base64!"), "a public key that is not Base64");
    rejectedLikeEsdk(
        signed(f -> f.publicKeyOverride = "AgAAAA=="), "a public key of the wrong length");
    byte[] offCurve = new byte[49];
    offCurve[0] = 2;
    offCurve[48] = 5;
    rejectedLikeEsdk(
        signed(f -> f.publicKeyOverride = java.util.Base64.getEncoder().encodeToString(offCurve)),
        "a public key that is not on the curve");
    // The key of another message: the footer no longer verifies.
    String otherKey =
        ENVELOPE.decrypt(signed(f -> {}).build()).encryptionContext().get("aws-crypto-public-key");
    rejectedLikeEsdk(signed(f -> f.publicKeyOverride = otherKey), "a public key of another signer");
    // An unsigned suite must not carry a verification key.
    rejectedLikeEsdk(
        forge(f -> f.context.put("aws-crypto-public-key", otherKey)),
        "an unsigned message carrying a public key");
  }

  @Test
  void expectedContextWithReservedKeysMustMatchWhereGiven() {
    byte[] message = signed(f -> {}).build();
    Map<String, String> actual = ENVELOPE.decrypt(message).encryptionContext();
    // The full context as returned, reserved key included, is accepted one-shot and streaming.
    assertThat(ENVELOPE.decrypt(message, actual).plaintext()).isEqualTo(data(40));
    assertThat(ENVELOPE.decrypt(message, Map.of("tenant", "acme")).plaintext()).isEqualTo(data(40));
    String otherKey =
        ENVELOPE.decrypt(signed(f -> {}).build()).encryptionContext().get("aws-crypto-public-key");
    Map<String, String> wrongKey = Map.of("tenant", "acme", "aws-crypto-public-key", otherKey);
    assertThatThrownBy(() -> ENVELOPE.decrypt(message, wrongKey))
        .isInstanceOf(EncryptionContextMismatchException.class)
        .hasMessageContaining("aws-crypto-public-key");
    assertThatThrownBy(
            () -> ENVELOPE.decryptingStream(new ByteArrayInputStream(message), wrongKey).read())
        .isInstanceOf(EncryptionContextMismatchException.class);
    byte[] unsigned = forge(f -> {}).build();
    assertThatThrownBy(() -> ENVELOPE.decrypt(unsigned, wrongKey))
        .isInstanceOf(EncryptionContextMismatchException.class);
  }
}
