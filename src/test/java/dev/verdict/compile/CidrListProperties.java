package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link CidrList#contains} checks IPv4 addresses as ints, without a byte[]; the reference here is
 * the byte form ({@link CidrList#parseAddress}) compared bit by bit over each prefix.
 */
class CidrListProperties {

  @Provide
  Arbitrary<String> address() {
    Arbitrary<String> octet = Arbitraries.oneOf(Arbitraries.integers().between(0, 255).map(String::valueOf),
        Arbitraries.of("", "01", "256", "a", "00", "999"));
    Arbitrary<String> quad = Combinators.combine(octet, octet, octet, octet).as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
    Arbitrary<String> near = Arbitraries.of("10.0.0.1", "10.255.255.255", "11.0.0.0", "172.16.0.1", "172.31.255.255",
        "172.32.0.0", "192.168.1.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5", "1..2.3",
        ".1.2.3", "", "::1", "fd00::1", "::ffff:10.0.0.1", " 10.0.0.1");
    return Arbitraries.oneOf(quad, near);
  }

  @Provide
  Arbitrary<List<String>> cidrs() {
    Arbitrary<String> v4 = Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
        Arbitraries.integers().between(0, 32)).as((a, b, p) -> a + "." + b + ".0.0/" + p);
    Arbitrary<String> fixed = Arbitraries.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128",
        "0.0.0.0/0", "10.1.2.3/32", "fd00::/8", "::/0");
    return Arbitraries.oneOf(v4, fixed).list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 3000)
  void answersAsTheByteForm(@ForAll("address") String ip, @ForAll("cidrs") List<String> cidrs) {
    assertEquals(reference(ip, cidrs), CidrList.parse(cidrs).contains(ip), () -> ip + " in " + cidrs);
  }

  @Example
  void examples() {
    CidrList trusted = CidrList.parse(List.of("10.0.0.0/8", "172.16.0.0/12", "::1/128"));
    assertTrue(trusted.contains("10.1.4.27"));
    assertTrue(trusted.contains("172.31.0.1"));
    assertFalse(trusted.contains("172.32.0.1"));
    assertFalse(trusted.contains("010.1.4.27"));
    assertTrue(trusted.contains("::1"));
    assertTrue(CidrList.parse(List.of("0.0.0.0/0")).contains("203.0.113.9"));
    assertFalse(CidrList.parse(List.of("::/0")).contains("203.0.113.9"));
  }

  /**
   * IPv6 groups are hexadecimal digits and nothing else: Integer.parseInt(g, 16) also takes a sign
   * and any Unicode digit, which read `::+1` or `::１` (fullwidth one) as the trusted `::1`.
   */
  @Example
  void ipv6GroupsWithSignsOrNonAsciiDigits_areNoAddress() {
    CidrList loopback = CidrList.parse(List.of("::1/128"));
    CidrList everything = CidrList.parse(List.of("::/0"));
    for (String ip : List.of("::+1", "::\uFF11", "::\u0661", "::-1", "+0::1", "0:0:0:0:0:0:0:+1", "::+ffff")) {
      assertEquals(null, CidrList.parseAddress(ip), ip);
      assertFalse(loopback.contains(ip), ip);
      assertFalse(everything.contains(ip), ip);
    }
    assertTrue(loopback.contains("0:0:0:0:0:0:0:1"));
    assertTrue(everything.contains("fD00:AbC::1"));
  }

  /** `::ffff:a.b.c.d` is the IPv4 client a.b.c.d, whichever way the address or the range is written. */
  @Example
  void ipv4MappedIpv6_isTheIpv4Address() {
    CidrList blocked = CidrList.parse(List.of("203.0.113.0/24"));
    for (String ip : List.of("::ffff:203.0.113.9", "::FFFF:cb00:7109", "0:0:0:0:0:ffff:203.0.113.9", "[::ffff:203.0.113.9]")) {
      assertTrue(blocked.contains(ip), ip);
    }
    assertFalse(blocked.contains("::ffff:203.0.114.9"));
    assertFalse(blocked.contains("64:ff9b::203.0.113.9"), "NAT64 is another address, not a mapped one");
    CidrList writtenAsV6 = CidrList.parse(List.of("::ffff:10.0.0.0/104"));
    assertTrue(writtenAsV6.contains("10.1.2.3"));
    assertTrue(writtenAsV6.contains("::ffff:10.1.2.3"));
    assertFalse(writtenAsV6.contains("11.1.2.3"));
    assertEquals(null, CidrList.parseAddress("::ffff:10.1.2"));
    assertEquals(null, CidrList.parseAddress("::ffff:010.1.2.3"));
    assertEquals(null, CidrList.parseAddress("1.2.3.4::"));
  }

  /** A prefix length is ASCII decimal digits: `/+8` and `/٨` (Arabic-Indic eight) are no prefix. */
  @Example
  void prefixWithASignOrNonAsciiDigits_isRefused() {
    for (String cidr : List.of("10.0.0.0/+8", "10.0.0.0/\u0668", "::1/+128", "10.0.0.0/", "10.0.0.0/-0")) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CidrList.parse(List.of(cidr)),
          cidr);
    }
    assertTrue(CidrList.parse(List.of("10.0.0.0/8")).contains("10.9.9.9"));
  }

  private static boolean reference(String ip, List<String> cidrs) {
    byte[] address = CidrList.parseAddress(ip);
    if (address == null) return false;
    for (String c : cidrs) {
      int slash = c.indexOf('/');
      byte[] network = CidrList.parseAddress(c.substring(0, slash));
      int prefix = Integer.parseInt(c.substring(slash + 1));
      if (network.length != address.length) continue;
      boolean same = true;
      for (int bit = 0; bit < prefix && same; bit++) {
        int mask = 0x80 >>> (bit % 8);
        same = (network[bit / 8] & mask) == (address[bit / 8] & mask);
      }
      if (same) return true;
    }
    return false;
  }
}
