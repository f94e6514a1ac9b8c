package dev.verdict.compile;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The functions rule expressions may call. Each is total: bad input gives a neutral answer or a
 * clear exception (which denies), never a side effect.
 */
public final class Functions {

  /** Names expressions may call; the validator refuses any other call. */
  static final Set<String> NAMES = Set.of("cidr", "lower", "upper", "size", "min", "max", "startsWith", "endsWith",
      "containsAny", "inList");

  private Functions() {}

  /**
   * Whether {@code ip} lies in any of {@code networks} (a CIDR string or a list of them). Lists
   * from {@code data} arrive pre-parsed as {@link CidrList}; an unparseable address is in no network.
   */
  public static boolean cidr(Object ip, Object networks) {
    if (!(ip instanceof String address)) return false;
    if (networks instanceof CidrList list) return list.contains(address);
    if (networks instanceof String single) return CidrList.parse(List.of(single)).contains(address);
    if (networks instanceof Collection<?> many) {
      return CidrList.parse(many.stream().map(String::valueOf).toList()).contains(address);
    }
    throw new IllegalArgumentException("cidr() takes a cidr string or a list of them");
  }

  public static String lower(Object s) {
    return s == null ? null : s.toString().toLowerCase(Locale.ROOT);
  }

  public static String upper(Object s) {
    return s == null ? null : s.toString().toUpperCase(Locale.ROOT);
  }

  public static int size(Object x) {
    if (x == null) return 0;
    if (x instanceof CharSequence cs) return cs.length();
    if (x instanceof Collection<?> c) return c.size();
    if (x instanceof Map<?, ?> m) return m.size();
    throw new IllegalArgumentException("size() takes a string, list or map");
  }

  public static Number min(Object a, Object b) {
    return compare(a, b) <= 0 ? (Number) a : (Number) b;
  }

  public static Number max(Object a, Object b) {
    return compare(a, b) >= 0 ? (Number) a : (Number) b;
  }

  public static boolean startsWith(Object s, Object prefix) {
    return s != null && prefix != null && s.toString().startsWith(prefix.toString());
  }

  public static boolean endsWith(Object s, Object suffix) {
    return s != null && suffix != null && s.toString().endsWith(suffix.toString());
  }

  /**
   * Whether the string {@code s} contains any of {@code needles} (a list of strings, typically from
   * {@code data}): one pass per needle over a string computed once, where {@code a || b || c}
   * would evaluate {@code s} three times.
   */
  public static boolean containsAny(Object s, Object needles) {
    if (s == null) return false;
    if (!(needles instanceof List<?> list)) throw new IllegalArgumentException("containsAny() takes a list of strings");
    String text = s.toString();
    for (Object needle : list) {
      if (needle != null && text.contains(needle.toString())) return true;
    }
    return false;
  }

  /**
   * {@code containsAny(lower(s), needles)} without building {@code lower(s)}, or {@code null} when
   * that cannot be answered for certain this way (the caller then computes it as written).
   *
   * <p>Why it is the same answer: {@code toLowerCase(Locale.ROOT)} lower-cases character by
   * character (a character may become several, and a non-ASCII one may become ASCII, such as the
   * Kelvin sign), so a run of ASCII characters in {@code s} becomes the same run ASCII-lower-cased,
   * contiguous, in {@code lower(s)}. A needle found in such a run is found in {@code lower(s)}; and
   * when {@code s} is all ASCII, {@code lower(s)} is exactly {@code s} with A-Z lowered, so a needle
   * not found in it is in no run and not in {@code lower(s)}. A non-ASCII {@code s} without a hit,
   * and any needle that is neither a String nor null (whose {@code toString} might do anything), give
   * {@code null}.
   */
  static Boolean containsAnyOfLowerCase(String s, List<?> needles) {
    // By index where that is cheap: an iterator per call was the only allocation left here.
    boolean byIndex = needles instanceof java.util.RandomAccess;
    java.util.Iterator<?> it = byIndex ? null : needles.iterator();
    for (int i = 0, count = needles.size(); i < count; i++) {
      Object needle = byIndex ? needles.get(i) : it.next();
      if (needle == null) continue;
      if (!(needle instanceof String n)) return null;
      if (asciiRunsContain(s, n)) return Boolean.TRUE;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) return null;
    }
    return Boolean.FALSE;
  }

  /** Whether some run of ASCII characters of {@code s}, with A-Z lowered, contains {@code needle}. */
  private static boolean asciiRunsContain(String s, String needle) {
    int m = needle.length();
    if (m == 0) return true;
    int last = s.length() - m;
    if (last < 0) return false;
    char lower = needle.charAt(0);
    if (lower >= 0x80 || (lower >= 'A' && lower <= 'Z')) return false; // no lowered ASCII character is one
    char upper = lower >= 'a' && lower <= 'z' ? (char) (lower - ('a' - 'A')) : lower;
    // Candidates through String.indexOf, which the JVM vectorises: the first character as is, or upper-case.
    int i = s.indexOf(lower);
    int j = upper == lower ? -1 : s.indexOf(upper);
    while (true) {
      int at = i < 0 ? j : j < 0 ? i : Math.min(i, j);
      if (at < 0 || at > last) return false;
      if (asciiLowerRegionMatches(s, at, needle)) return true;
      if (at == i) {
        i = s.indexOf(lower, at + 1);
      } else {
        j = s.indexOf(upper, at + 1);
      }
    }
  }

  /** Whether {@code s} from {@code at} is ASCII and, with A-Z lowered, starts with {@code needle} (first character already matched). */
  private static boolean asciiLowerRegionMatches(String s, int at, String needle) {
    for (int k = 1; k < needle.length(); k++) {
      char c = s.charAt(at + k);
      if (c >= 0x80) return false;
      if (c >= 'A' && c <= 'Z') c = (char) (c + ('a' - 'A'));
      if (c != needle.charAt(k)) return false;
    }
    return true;
  }

  /**
   * Whether {@code list} is a list holding {@code value}. Unlike {@code contains}, which on a string
   * is a substring test (`'b10' contains 'b1'`), a claim of the wrong type is an error, so it denies.
   */
  public static boolean inList(Object value, Object list) {
    if (list == null) return false;
    if (!(list instanceof List<?> l)) {
      throw new IllegalArgumentException("inList() needs a list, got a " + list.getClass().getSimpleName());
    }
    return l.contains(value);
  }

  private static int compare(Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y)) {
      throw new IllegalArgumentException("min() and max() take numbers");
    }
    return Double.compare(x.doubleValue(), y.doubleValue());
  }
}
