package dev.envelope.aws;

import java.net.URI;

/**
 * How an endpoint override appears in messages, {@code toString()} and diagnoses: without the
 * {@code user:password@} a URI may carry (a proxy or gateway login), which must not end up in
 * exceptions and logs.
 */
final class EndpointText {
  private EndpointText() {}

  static String of(URI endpoint) {
    return withoutUserInfo(endpoint.toString(), endpoint);
  }

  /** {@code text} with the endpoint's user information removed wherever it is quoted. */
  static String withoutUserInfo(String text, URI endpoint) {
    String userInfo = endpoint == null ? null : endpoint.getRawUserInfo();
    if (text == null || userInfo == null) {
      return text;
    }
    return text.replace(userInfo + "@", "");
  }
}
