package dev.envelope.aws.policy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IpAddress/NotIpAddress matching: a policy value is an IPv4 or IPv6 address or CIDR block (RFC
 * 4632, RFC 4291); a bare address is a block of one. Addresses are parsed only as literals, never
 * resolved, so a policy can never cause a DNS lookup.
 */
final class IpRanges {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private IpRanges() {}

  /** The address as bytes, if {@code text} is an IPv4 or IPv6 literal. */
  static Optional<byte[]> address(String text) {
    String t = text.trim();
    boolean v4 = IPV4.matcher(t).matches();
    // InetAddress takes anything with a colon as an IPv6 literal and does not resolve it.
    boolean v6 = t.indexOf(':') >= 0 && t.chars().allMatch(c -> c == ':' || c == '.'
        || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return Optional.empty();
    }
    if (v4) {
      for (String part : t.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return Optional.empty();
        }
      }
    }
    try {
      return Optional.of(InetAddress.getByName(t).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** True if {@code range} is an address or a CIDR block with a prefix that fits the address. */
  static boolean validRange(String range) {
    return parseRange(range) != null;
  }

  /** True if the request address {@code ip} lies in {@code range}; false if either is invalid. */
  static boolean contains(String range, String ip) {
    Range r = parseRange(range);
    Optional<byte[]> a = address(ip);
    if (r == null || a.isEmpty() || a.get().length != r.network.length) {
      // An IPv4 address never matches an IPv6 block and vice versa.
      return false;
    }
    int bits = r.network.length * 8;
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger mask = all.shiftLeft(bits - r.prefix).and(all);
    return new BigInteger(1, a.get()).and(mask).equals(new BigInteger(1, r.network).and(mask));
  }

  private record Range(byte[] network, int prefix) {}

  private static Range parseRange(String range) {
    String t = range.trim();
    int slash = t.indexOf('/');
    Optional<byte[]> a = address(slash < 0 ? t : t.substring(0, slash));
    if (a.isEmpty()) {
      return null;
    }
    int max = a.get().length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (!p.matches("\\d{1,3}")) {
        return null;
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        return null;
      }
    }
    return new Range(a.get(), prefix);
  }
}
