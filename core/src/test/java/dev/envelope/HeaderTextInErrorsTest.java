package dev.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.internal.format.MessageForge;
import dev.envelope.keyring.EncryptedDataKey;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text from a header that was never authenticated (anyone can write one, no key needed) reaches
 * exception messages only escaped and shortened, and a context mismatch found on such a header does
 * not claim the message is authentic.
 */
class HeaderTextInErrorsTest {
  private static final Envelope ENVELOPE = Envelope.builder().keyring(MessageForge.KEYRING).build();

  /**
   * A line break, a terminal escape and 20,000 characters: a forged log line and a huge message.
   */
  private static final String HOSTILE =
      "x\n2026-01-01 INFO forged log line\u001b[2J" + "y".repeat(20_000);

  private static void assertPrintableAndShort(Throwable e) {
    assertThat(e.getMessage())
        .hasSizeLessThan(2_000)
        .doesNotContain("\n")
        .doesNotContain("\u001b")
        .matches("[\\x20-\\x7e]*");
  }

  @Test
  void contextKeysOfAForgedHeaderAreEscapedAndTheMismatchDoesNotClaimAuthenticity() {
    MessageForge forge = new MessageForge();
    forge.context.put(HOSTILE, "v");
    forge.includeOurEdk = false; // no key at all: a header anyone can write
    forge.edksBefore.add(new EncryptedDataKey("nobody", new byte[8], new byte[40]));
    byte[] forged = forge.build();

    for (Throwable e :
        new Throwable[] {
          catchThrowable(() -> ENVELOPE.decrypt(forged, Map.of("tenant", "acme"))),
          catchThrowable(
              () ->
                  ENVELOPE
                      .decryptingStream(new ByteArrayInputStream(forged), Map.of("tenant", "acme"))
                      .read())
        }) {
      assertThat(e)
          .isInstanceOf(EncryptionContextMismatchException.class)
          .isInstanceOf(InvalidMessageException.class);
      assertPrintableAndShort(e);
      assertThat(e.getMessage())
          .contains("'tenant'")
          .contains("before it was authenticated")
          .contains("forged")
          .doesNotContain("was encrypted for another context");
      assertThat(((EncryptionContextMismatchException) e).differingKeys())
          .contains(HOSTILE, "tenant");
    }
  }

  @Test
  void providerIdsOfAForgedHeaderAreEscapedInTheNoUsableDataKeyError() {
    MessageForge forge = new MessageForge();
    forge.includeOurEdk = false;
    for (int i = 0; i < 3; i++) {
      forge.edksBefore.add(new EncryptedDataKey(HOSTILE + i, new byte[8], new byte[40]));
    }
    byte[] forged = forge.build();
    assertThatThrownBy(() -> ENVELOPE.decrypt(forged))
        .isInstanceOf(NoUsableDataKeyException.class)
        .satisfies(HeaderTextInErrorsTest::assertPrintableAndShort)
        .hasMessageContaining("'x\\u000A2026-01-01 INFO forged log line\\u001B[2Jyyy");
  }

  private static Throwable catchThrowable(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    return org.assertj.core.api.Assertions.catchThrowable(call);
  }
}
