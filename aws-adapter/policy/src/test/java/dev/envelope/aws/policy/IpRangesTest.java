package dev.envelope.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address and CIDR parsing for IpAddress/NotIpAddress: literals only, IPv4-mapped as IPv4. */
class IpRangesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".1:2",
        "a.b:c",
        "localhost",
        "example.com",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.4:80",
        "1::2::3",
        ":::",
        ":1::2",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "12345::1",
        "fe80::1%eth0",
        "1.2.3.4::",
        "::1.2.3",
        "[::1]",
        "１.2.3.4",
        ""
      })
  void onlyLiteralsAreAddresses(String text) {
    // Nothing here may reach a resolver: a value that is no literal is no address.
    assertThat(IpRanges.address(text)).as(text).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "2001:db8::1, 2001:0db8:0000:0000:0000:0000:0000:0001",
    "::, 0:0:0:0:0:0:0:0",
    "::1, 0:0:0:0:0:0:0:1",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::ffff:192.0.2.1, 0:0:0:0:0:ffff:c000:201",
    "64:ff9b::198.51.100.7, 64:ff9b:0:0:0:0:c633:6407"
  })
  void ipv6SpellingsOfOneAddressAreEqual(String a, String b) {
    assertThat(IpRanges.address(a)).isPresent();
    assertThat(IpRanges.address(a).get()).isEqualTo(IpRanges.address(b).get());
    assertThat(IpRanges.address(a).get()).hasSize(16);
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:0:0/96, 10.1.2.3, true",
    "::ffff:0:0/96, ::ffff:10.1.2.3, true",
    "::ffff:0:0/96, 2001:db8::1, false",
    "::ffff:10.0.0.0/104, 10.200.0.1, true",
    "::ffff:10.0.0.0/104, 11.0.0.1, false",
    "10.0.0.0/8, ::ffff:10.9.9.9, true",
    "10.0.0.0/8, ::ffff:11.9.9.9, false",
    "10.1.2.3, ::ffff:a01:203, true",
    "::/0, 10.1.2.3, false",
    "::/0, ::ffff:10.1.2.3, false",
    "::/0, 2001:db8::1, true",
    "0.0.0.0/0, 2001:db8::1, false"
  })
  void ipv4MappedAddressesAreTheirIpv4Host(String range, String ip, boolean expected) {
    assertThat(IpRanges.validRange(range)).isTrue();
    assertThat(IpRanges.contains(range, ip)).as(range + " contains " + ip).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/33",
        "::/129",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "host.example/8"
      })
  void invalidRanges(String range) {
    assertThat(IpRanges.validRange(range)).as(range).isFalse();
  }
}
