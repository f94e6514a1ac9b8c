package dev.verdict.eval;

import java.util.List;
import java.util.Set;

/** The least-privilege check, without the iterator {@code Set.containsAll} takes per call. */
final class Permissions {

  private Permissions() {}

  /** {@code held.containsAll(required)}, by index over the route's (immutable, random-access) list. */
  static boolean holdsAll(Set<String> held, List<String> required) {
    for (int i = 0; i < required.size(); i++) {
      if (!held.contains(required.get(i))) return false;
    }
    return true;
  }
}
