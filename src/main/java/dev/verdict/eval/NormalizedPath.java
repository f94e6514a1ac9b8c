package dev.verdict.eval;

/**
 * A request path reduced to the form routes are matched against: query and fragment dropped,
 * dot segments resolved, empty segments dropped, unreserved percent-escapes decoded.
 *
 * @param path     the normalised path, as expressions see it
 * @param segments its segments, without empty ones
 */
public record NormalizedPath(String path, String[] segments) {

  private static final int MAX_LENGTH = 4096;
  private static final String[] NO_SEGMENTS = {};

  /**
   * Normalises {@code raw}, or returns {@code null} when the path is ambiguous: `..` after an empty
   * segment (`//`), an encoded slash,
   * backslash or NUL, control characters, a {@code ;} path parameter, an invalid escape, an encoded
   * dot segment, dot segments climbing above the root, or more than 4096 characters. Ambiguous
   * paths are refused rather than guessed at, because the service behind might read them differently.
   */
  public static NormalizedPath of(String raw) {
    int end = raw.length();
    int slashes = 0; // each kept segment follows a `/`, so this bounds the segments: no array to trim after
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
      if (c == '/') slashes++;
    }
    if (end == 0 || raw.charAt(0) != '/' || end > MAX_LENGTH) return null;
    String[] stack = new String[slashes];
    int depth = 0;
    int start = 1;
    boolean changed = end != raw.length();
    boolean emptySegmentSeen = false;
    for (int i = 1; i <= end; i++) {
      if (i < end && raw.charAt(i) != '/') continue;
      if (i > start) {
        String segment = segment(raw, start, i);
        if (segment == null) return null;
        if (segment.equals(".")) {
          changed = true;
        } else if (segment.equals("..")) {
          // RFC 3986 lets `..` remove an empty segment (`/a//..` is `/a/`), while collapsing `//`
          // first gives `/`: components disagree, so the path is refused rather than guessed at.
          if (depth == 0 || emptySegmentSeen) return null;
          depth--;
          changed = true;
        } else {
          if (segment.length() != i - start) changed = true;
          stack[depth++] = segment;
        }
      } else if (i < end || i - 1 > 0) {
        changed = true; // empty segment: `//` or a trailing `/`
        if (i < end) emptySegmentSeen = true;
      }
      start = i + 1;
    }
    String[] segments = depth == stack.length ? stack : depth == 0 ? NO_SEGMENTS : java.util.Arrays.copyOf(stack, depth);
    String path;
    if (!changed) {
      path = end == raw.length() ? raw : raw.substring(0, end);
    } else {
      path = depth == 0 ? "/" : "/" + String.join("/", segments);
    }
    return new NormalizedPath(path, segments);
  }

  /** One segment with unreserved escapes decoded, or {@code null} when it is ambiguous. */
  private static String segment(String raw, int from, int to) {
    StringBuilder decoded = null;
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ';') return null;
      if (c != '%') {
        if (decoded != null) decoded.append(c);
        continue;
      }
      if (i + 2 >= to) return null; // truncated escape
      int hi = hex(raw.charAt(i + 1));
      int lo = hex(raw.charAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      char value = (char) (hi * 16 + lo);
      // Encoded separators, NUL, dots and `;` are how path-matcher bypasses are built: the PDP and
      // the service behind it would disagree on where segments end.
      if (value == '/' || value == '\\' || value == '.' || value == ';' || value < 0x20 || value == 0x7f) return null;
      // Double encoding (`%252e`): a second decoder further down the chain would see `%2e`.
      if (value == '%' && i + 4 < to && hex(raw.charAt(i + 3)) >= 0
          && hex(raw.charAt(i + 4)) >= 0) return null;
      if (value >= 0x80 && !validUtf8Run(raw, i, to)) return null;
      if (decoded == null) decoded = new StringBuilder(to - from).append(raw, from, i);
      if (isUnreserved(value)) {
        decoded.append(value);
      } else {
        decoded.append('%').append(Character.toUpperCase(raw.charAt(i + 1))).append(Character.toUpperCase(raw.charAt(i + 2)));
      }
      i += 2;
    }
    return decoded == null ? raw.substring(from, to) : decoded.toString();
  }

  /**
   * Whether the run of escaped non-ASCII bytes starting at {@code start} is well-formed UTF-8.
   * Overlong forms such as {@code %C0%AE} (a dot) have been used to smuggle separators past filters.
   */
  private static boolean validUtf8Run(String raw, int start, int to) {
    int i = start;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(8);
    while (i + 2 < to && raw.charAt(i) == '%') {
      int hi = hex(raw.charAt(i + 1));
      int lo = hex(raw.charAt(i + 2));
      if (hi < 0 || lo < 0 || hi < 8) break;
      bytes.write(hi * 16 + lo);
      i += 3;
    }
    // Only the first character's bytes need to be complete here; later ones are checked when the
    // scan reaches them, so validate the whole run once at its start and accept continuations.
    if (isContinuation(raw, start)) return true;
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** Whether the escape at {@code i} continues a run of escaped non-ASCII bytes begun before it. */
  private static boolean isContinuation(String raw, int i) {
    if (i < 3 || raw.charAt(i - 3) != '%') return false;
    int hi = hex(raw.charAt(i - 2));
    return hi >= 8;
  }

  /**
   * The value of an ASCII hex digit, else -1. Not {@link Character#digit}: it also reads fullwidth
   * and other Unicode digits, so {@code %٦٨} (Arabic-Indic six, eight) would decode to {@code h}
   * while the service behind sees an invalid escape, and the PDP would decide another path.
   */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '~';
  }
}
