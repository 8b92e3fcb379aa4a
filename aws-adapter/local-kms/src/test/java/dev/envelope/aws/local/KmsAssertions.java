package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.kms.model.KmsException;

/** Assertions on the error a real KmsClient surfaces for a local KMS answer. */
final class KmsAssertions {
  private KmsAssertions() {}

  /** Asserts the call fails with a KMS error whose wire {@code __type} is {@code errorCode}. */
  static AbstractThrowableAssert<?, ? extends Throwable> assertKmsError(
      ThrowingCallable call, String errorCode) {
    return assertThatThrownBy(call)
        .isInstanceOf(KmsException.class)
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(
                        ((KmsException) e).awsErrorDetails().errorCode())
                    .isEqualTo(errorCode));
  }

  /** Same as {@link #assertKmsError} for AccessDeniedException. */
  static AbstractThrowableAssert<?, ? extends Throwable> assertDenied(ThrowingCallable call) {
    return assertKmsError(call, "AccessDeniedException");
  }

  static String policy(String... statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  static String allowRoot(String account) {
    return "{\"Sid\":\"EnableIam\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
        + account
        + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
  }

  static String statement(
      String sid, String effect, String principalArn, String actions, String condition) {
    return "{\"Sid\":\""
        + sid
        + "\",\"Effect\":\""
        + effect
        + "\""
        + (principalArn == null ? "" : ",\"Principal\":{\"AWS\":\"" + principalArn + "\"}")
        + ",\"Action\":"
        + actions
        + ",\"Resource\":\"*\""
        + (condition == null ? "" : ",\"Condition\":" + condition)
        + "}";
  }
}
