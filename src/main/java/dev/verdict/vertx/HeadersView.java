package dev.verdict.vertx;

import io.vertx.core.MultiMap;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A read-only {@code Map} view of Vert.x headers keyed by lower-case name. Lookups go straight to
 * the (case-insensitive) MultiMap, so a decision that reads two headers copies none.
 */
final class HeadersView extends AbstractMap<String, String> {

  private final MultiMap headers;
  private Map<String, String> copy;

  HeadersView(MultiMap headers) {
    this.headers = headers;
  }

  /**
   * The header's value; a header sent several times is combined as HTTP defines (`, `, or `; ` for
   * cookies), so a repeated Authorization header can never be read as just its first value.
   */
  @Override
  public String get(Object key) {
    if (!(key instanceof String name)) return null;
    java.util.List<String> all = headers.getAll(name);
    if (all.size() <= 1) return all.isEmpty() ? null : all.get(0);
    return String.join(name.equalsIgnoreCase("cookie") ? "; " : ", ", all);
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String name && headers.contains(name);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    if (copy == null) {
      Map<String, String> m = new LinkedHashMap<>();
      // Values as get() gives them (repeated headers combined), so the map reads the same either way.
      for (String name : headers.names()) m.putIfAbsent(name.toLowerCase(Locale.ROOT), get(name));
      copy = m;
    }
    return copy.entrySet();
  }
}
