package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.net.URI;

/**
 * How an endpoint override, and text that may quote it, appear in messages, {@code toString()} and
 * diagnoses: without the {@code user:password@} a URI may carry (a proxy or gateway login), which
 * must not end up in exceptions and logs, and through core's {@link UntrustedText} like all outside
 * text.
 */
final class EndpointText {
  /** Cap on an SDK or service message quoted in an exception. */
  static final int MAX_QUOTED_MESSAGE = 600;

  private EndpointText() {}

  static String of(URI endpoint) {
    return UntrustedText.printable(
        withoutLogin(endpoint.toString(), endpoint), UntrustedText.MAX_CHARS);
  }

  /**
   * {@code text} (an AWS SDK or service message, which may quote the endpoint) with the endpoint's
   * user information removed, made printable and shortened; null stays null.
   */
  static String withoutUserInfo(String text, URI endpoint) {
    return text == null
        ? null
        : UntrustedText.printable(withoutLogin(text, endpoint), MAX_QUOTED_MESSAGE);
  }

  private static String withoutLogin(String text, URI endpoint) {
    String userInfo = endpoint == null ? null : endpoint.getRawUserInfo();
    return userInfo == null ? text : text.replace(userInfo + "@", "");
  }
}
