package dev.envelope.aws.policy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * IpAddress/NotIpAddress matching: a policy value is an IPv4 or IPv6 address or CIDR block (RFC
 * 4632, RFC 4291); a bare address is a block of one.
 *
 * <p>Addresses are parsed here, by hand, and never handed to {@code InetAddress}: that resolves
 * whatever it does not take for a literal as a host name, so a policy or a request value could
 * cause a DNS lookup, and it turns {@code ::ffff:a.b.c.d} into a 4-byte address behind the caller's
 * back.
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is the IPv4 host a.b.c.d, however it is
 * written: a request address in that form is compared as IPv4, and a block inside {@code
 * ::ffff:0:0/96} as the IPv4 block it maps (so {@code ::ffff:0:0/96} holds every IPv4 address).
 * Other IPv6 blocks, {@code ::/0} included, hold no IPv4 host.
 */
final class IpRanges {
  /** The first 96 bits of every IPv4-mapped address: 80 zero bits, then 16 one bits. */
  private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1};

  private IpRanges() {}

  /** The address as 4 or 16 bytes, if {@code text} is an IPv4 or IPv6 literal. */
  static Optional<byte[]> address(String text) {
    String t = text.trim();
    return Optional.ofNullable(t.indexOf(':') >= 0 ? ipv6(t) : ipv4(t));
  }

  /** True if {@code range} is an address or a CIDR block with a prefix that fits the address. */
  static boolean validRange(String range) {
    return parseRange(range) != null;
  }

  /** True if the request address {@code ip} lies in {@code range}; false if either is invalid. */
  static boolean contains(String range, String ip) {
    Range r = parseRange(range);
    Optional<byte[]> parsed = address(ip);
    if (r == null || parsed.isEmpty()) {
      return false;
    }
    r = r.unmapped();
    byte[] a = unmapped(parsed.get());
    if (a.length != r.network.length) {
      // An IPv4 host is in no (unmapped) IPv6 block, an IPv6 host in no IPv4 block.
      return false;
    }
    int bits = r.network.length * 8;
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger mask = all.shiftLeft(bits - r.prefix).and(all);
    return new BigInteger(1, a).and(mask).equals(new BigInteger(1, r.network).and(mask));
  }

  private record Range(byte[] network, int prefix) {
    /** The IPv4 block a block inside ::ffff:0:0/96 maps; any other block unchanged. */
    Range unmapped() {
      if (network.length == 16 && prefix >= 96 && isMapped(network)) {
        return new Range(Arrays.copyOfRange(network, 12, 16), prefix - 96);
      }
      return this;
    }
  }

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
      if (p.isEmpty() || p.length() > 3 || !decimal(p)) {
        return null;
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        return null;
      }
    }
    return new Range(a.get(), prefix);
  }

  private static boolean isMapped(byte[] a) {
    return a.length == 16 && Arrays.equals(a, 0, 12, MAPPED_PREFIX, 0, 12);
  }

  private static byte[] unmapped(byte[] a) {
    return isMapped(a) ? Arrays.copyOfRange(a, 12, 16) : a;
  }

  /** A dotted quad: four decimal parts of one to three ASCII digits, each at most 255. */
  private static byte[] ipv4(String t) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !decimal(p)) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /**
   * RFC 4291 text: eight groups of one to four hex digits separated by ':', at most one "::" for
   * one or more zero groups, and optionally a dotted quad for the last two groups. No zone index.
   */
  private static byte[] ipv6(String t) {
    int gap = t.indexOf("::");
    if (gap >= 0 && t.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(gap < 0 ? t : t.substring(0, gap), gap < 0);
    List<Integer> tail = gap < 0 ? List.of() : groups(t.substring(gap + 2), true);
    if (head == null || tail == null) {
      return null;
    }
    int count = head.size() + tail.size();
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      put(out, i, head.get(i));
    }
    for (int i = 0; i < tail.size(); i++) {
      put(out, 8 - tail.size() + i, tail.get(i));
    }
    return out;
  }

  /**
   * The 16-bit groups of a ':'-separated run (empty for an empty run), or null if malformed.
   *
   * @param last whether the run ends the address, the only place a dotted quad may stand
   */
  private static List<Integer> groups(String run, boolean last) {
    List<Integer> out = new ArrayList<>();
    if (run.isEmpty()) {
      return out;
    }
    String[] parts = run.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
        byte[] v4 = ipv4(p);
        if (v4 == null) {
          return null;
        }
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
      } else if (!p.isEmpty() && p.length() <= 4 && hex(p)) {
        out.add(Integer.parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  }

  private static void put(byte[] out, int group, int value) {
    out[2 * group] = (byte) (value >>> 8);
    out[2 * group + 1] = (byte) value;
  }

  private static boolean decimal(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean hex(String s) {
    return s.chars()
        .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  }
}
