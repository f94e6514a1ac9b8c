package dev.verdict.eval;

import dev.verdict.policy.Signal;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The points each signal gave, by signal name in declaration order: what a
 * {@code LinkedHashMap<String, Integer>} held, as one {@code int[]} beside the package's (shared,
 * immutable) signal list. One decision used to allocate a map, its table and an entry per signal;
 * this is two small objects.
 *
 * <p>Filled by the evaluator with {@link #add} in signal order, then read-only: it is handed out
 * only inside a {@link dev.verdict.RiskAssessment}, which wraps it unmodifiable, after the last
 * {@code add}. Reads before it is full see only the signals added so far. Signal names are unique
 * (they are the keys of a YAML mapping), so name lookups match what the map answered.
 */
final class SignalPoints extends AbstractMap<String, Integer> {

  private final List<Signal> signals;
  private final int[] points;
  private int size;

  SignalPoints(List<Signal> signals) {
    this.signals = signals;
    this.points = new int[signals.size()];
  }

  /** Records the points of the next signal in declaration order. */
  void add(int p) {
    points[size++] = p;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Integer get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : Integer.valueOf(points[i]);
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  private int indexOf(Object key) {
    if (key == null) return -1;
    for (int i = 0; i < size; i++) {
      if (signals.get(i).name().equals(key)) return i;
    }
    return -1;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Integer> action) {
    for (int i = 0; i < size; i++) action.accept(signals.get(i).name(), points[i]);
  }

  @Override
  public Set<Map.Entry<String, Integer>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, Integer>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, Integer> next() {
            if (next >= size) throw new NoSuchElementException();
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(signals.get(i).name(), points[i]);
          }
        };
      }
    };
  }
}
