package dev.verdict.compile;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of CIDR strings from {@code data}, parsed once at compile time so that
 * {@code cidr(ip, data.trusted_networks)} costs an address parse and a few mask compares.
 * Reads like the original list of strings to every other expression.
 */
final class CidrList extends AbstractList<String> {

  private final List<String> text;
  private final byte[][] networks;
  private final int[] prefixes;
  /** The IPv4 entries again as ints with their masks, so that an IPv4 address is checked without a byte[]. */
  private final int[] v4Networks;
  private final int[] v4Masks;

  private CidrList(List<String> text, byte[][] networks, int[] prefixes) {
    this.text = List.copyOf(text);
    this.networks = networks;
    this.prefixes = prefixes;
    int v4 = 0;
    for (byte[] n : networks) if (n.length == 4) v4++;
    this.v4Networks = new int[v4];
    this.v4Masks = new int[v4];
    int k = 0;
    for (int i = 0; i < networks.length; i++) {
      if (networks[i].length != 4) continue;
      byte[] n = networks[i];
      v4Networks[k] = (n[0] & 0xff) << 24 | (n[1] & 0xff) << 16 | (n[2] & 0xff) << 8 | (n[3] & 0xff);
      v4Masks[k] = prefixes[i] == 0 ? 0 : -1 << (32 - prefixes[i]);
      k++;
    }
  }

  /** Parses every entry; throws {@link IllegalArgumentException} naming the first bad one. */
  static CidrList parse(List<String> cidrs) {
    byte[][] networks = new byte[cidrs.size()][];
    int[] prefixes = new int[cidrs.size()];
    for (int i = 0; i < cidrs.size(); i++) {
      String c = cidrs.get(i);
      int slash = c.indexOf('/');
      String host = slash < 0 ? "" : c.substring(0, slash);
      byte[] address = slash < 0 ? null : host.indexOf(':') >= 0 ? parseIpv6(host) : parseAddress(host);
      int prefix = -1;
      if (address != null) {
        prefix = decimal(c.substring(slash + 1));
        if (address.length == 16 && isIpv4Mapped(address) && prefix >= 96) {
          // `::ffff:10.0.0.0/104` is `10.0.0.0/8`, written for a dual-stack listener.
          address = java.util.Arrays.copyOfRange(address, 12, 16);
          prefix -= 96;
        }
      }
      if (address == null || prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("`" + c + "` is not a cidr like `10.0.0.0/8` or `fd00::/8`");
      }
      networks[i] = address;
      prefixes[i] = prefix;
    }
    return new CidrList(cidrs, networks, prefixes);
  }

  /** A list whose entries all look like CIDRs is worth pre-parsing; others stay plain. */
  static boolean looksLikeCidrs(List<?> values) {
    if (values.isEmpty()) return false;
    for (Object v : values) {
      if (!(v instanceof String s) || s.indexOf('/') < 0 || parseAddress(s.substring(0, s.indexOf('/'))) == null) {
        return false;
      }
    }
    return true;
  }

  boolean contains(String ip) {
    int address;
    if (ip.indexOf(':') < 0) {
      // IPv4, as parseAddress reads it, compared as ints: the same prefix bits as sameNetwork compares.
      long parsed = parseIpv4(ip);
      if (parsed < 0) return false;
      address = (int) parsed;
    } else {
      byte[] bytes = parseAddress(ip);
      if (bytes == null) return false;
      if (bytes.length == 16) {
        for (int i = 0; i < networks.length; i++) {
          if (networks[i].length == 16 && sameNetwork(networks[i], bytes, prefixes[i])) return true;
        }
        return false;
      }
      address = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }
    for (int i = 0; i < v4Networks.length; i++) {
      if (((address ^ v4Networks[i]) & v4Masks[i]) == 0) return true;
    }
    return false;
  }

  private static boolean sameNetwork(byte[] network, byte[] address, int prefix) {
    int fullBytes = prefix / 8;
    for (int b = 0; b < fullBytes; b++) {
      if (network[b] != address[b]) return false;
    }
    int rest = prefix % 8;
    if (rest == 0) return true;
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[fullBytes] & mask) == (address[fullBytes] & mask);
  }

  /**
   * IPv4 dotted quad or IPv6 literal to bytes, without any name lookup; {@code null} if neither.
   * An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}, as dual-stack sockets and proxies write
   * IPv4 clients) is that IPv4 address: otherwise a list of IPv4 ranges would miss the client in
   * its other spelling, and a blocklist would fail open.
   */
  static byte[] parseAddress(String s) {
    if (s.indexOf(':') >= 0) {
      byte[] v6 = parseIpv6(s);
      return v6 != null && isIpv4Mapped(v6) ? java.util.Arrays.copyOfRange(v6, 12, 16) : v6;
    }
    long v4 = parseIpv4(s);
    if (v4 < 0) return null;
    return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
  }

  /** A dotted quad as an unsigned 32-bit value, or -1 if {@code s} is not one. */
  private static long parseIpv4(String s) {
    long out = 0;
    int part = 0;
    int value = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        // A leading zero (`010`) reads as octal to inet_aton-style parsers: ambiguous, so refused.
        if (value == 0) return -1;
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) return -1;
      } else if (c == '.' && value >= 0 && part < 3) {
        out = out << 8 | value;
        part++;
        value = -1;
      } else {
        return -1;
      }
    }
    if (part != 3 || value < 0) return -1;
    return out << 8 | value;
  }

  /** {@code ::ffff:0:0/96}. */
  private static boolean isIpv4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) if (v6[i] != 0) return false;
    return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
  }

  private static byte[] parseIpv6(String s) {
    if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
    if (s.indexOf('%') >= 0 || s.isEmpty()) return null;
    int lastColon = s.lastIndexOf(':');
    if (s.indexOf('.', lastColon) >= 0) {
      // A dotted IPv4 tail (`::ffff:10.1.2.3`) is the last two groups.
      long v4 = parseIpv4(s.substring(lastColon + 1));
      if (v4 < 0) return null;
      s = s.substring(0, lastColon + 1) + Long.toHexString(v4 >>> 16) + ":" + Long.toHexString(v4 & 0xffff);
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) return null;
    List<Integer> head = new ArrayList<>();
    List<Integer> tail = new ArrayList<>();
    String left = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
    String right = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
    if (!groups(left, head) || !groups(right, tail)) return null;
    int total = head.size() + tail.size();
    if (doubleColon < 0 ? total != 8 : total > 7) return null;
    byte[] out = new byte[16];
    int idx = 0;
    for (int g : head) {
      out[idx++] = (byte) (g >> 8);
      out[idx++] = (byte) g;
    }
    idx = 16 - tail.size() * 2;
    for (int g : tail) {
      out[idx++] = (byte) (g >> 8);
      out[idx++] = (byte) g;
    }
    return out;
  }

  private static boolean groups(String part, List<Integer> out) {
    if (part.isEmpty()) return true;
    for (String g : part.split(":", -1)) {
      if (g.isEmpty() || g.length() > 4) return false;
      int value = 0;
      for (int i = 0; i < g.length(); i++) {
        int digit = hexDigit(g.charAt(i));
        if (digit < 0) return false;
        value = value << 4 | digit;
      }
      out.add(value);
    }
    return true;
  }

  // ASCII digits only. Integer.parseInt also takes a sign and any Unicode digit, so `::+1` or
  // `::１` (fullwidth) read as `::1`: a spelling no other component reads as an address, and a
  // check written against `::1/128` must not accept it.
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  /** A prefix length in ASCII decimal digits (at most three), else -1. */
  private static int decimal(String s) {
    if (s.isEmpty() || s.length() > 3) return -1;
    int value = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  @Override
  public String get(int index) {
    return text.get(index);
  }

  @Override
  public int size() {
    return text.size();
  }
}
