package dev.verdict.compile;

import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment trie over route patterns. Lookup work grows with path depth, not with route count.
 *
 * <p>Depth-first search visits children in specificity order (literal, {@code {param}},
 * {@code *}, then {@code **}) and at the end of the path tries routes that end exactly before
 * routes ending in {@code **}; so the first route found is the most specific one, as
 * {@link PathPattern#compareSpecificity} defines it. {@link LinearRouteMatcher} is the reference.
 *
 * <p>The trie is stored flat so that a lookup in a large policy touches few cache lines, since
 * with thousands of routes it is cache misses, not instructions, that cost. Nodes are records in
 * one {@code int[]} laid out depth first, so a node and its only child usually share a line; a
 * record holds the literal that leads to it and its routes' method bitmasks, so checking a
 * candidate child and picking a route read the record the search needs next anyway. Literal
 * children of all nodes live in one open-addressing table keyed by (parent, segment hash), one
 * slot of four ints per edge. Only the chosen {@link CompiledRoute} object is touched, and only to
 * return it.
 */
final class RouteTrie implements RouteMatcher {

  // A node record: this header, the literal leading to the node (two chars per int), then its
  // route entries: those ending exactly here first, then those ending here with `**`.
  private static final int PARAM_CHILD = 0;
  private static final int STAR_CHILD = 1;
  private static final int LITERAL_CHILDREN = 2; // 0 lets the search skip the edge table
  private static final int FIRST_ENTRY = 3;
  private static final int EXACT_ROUTES = 4;
  private static final int REST_ROUTES = 5;
  private static final int HEADER = 6;

  // A route entry: the methods it allows as a bitmask, its index in `routes`, its parameter layout.
  private static final int ENTRY_METHODS = 0;
  private static final int ENTRY_ROUTE = 1;
  private static final int ENTRY_PARAMS = 2;
  private static final int ENTRY = 3;

  // An edge-table slot. The parent is stored plus one so that an all-zero slot means empty.
  private static final int SLOT_PARENT = 0;
  private static final int SLOT_HASH = 1;
  private static final int SLOT_CHILD = 2;
  private static final int SLOT_LENGTH = 3;
  private static final int SLOT = 4;

  private static final int NO_NODE = -1;
  private static final int NO_ENTRY = -1;

  // Each method routes name gets one of the low 31 bits; a request method no route names gets
  // the top bit, which only routes allowing every method have.
  private static final int MAX_METHOD_BITS = 31;
  private static final int UNNAMED_METHOD = 1 << 31;
  private static final int EVERY_METHOD = -1;
  // For a route naming a method beyond the bits: ask the route itself. Unreachable with the
  // parser's methods, kept so that any CompiledRoute is matched exactly as the reference does.
  private static final int ASK_THE_ROUTE = 0;

  private final int[] nodes;
  private final int[] edges;
  private final int edgeIndexMask;
  private final int edgeHashShift;
  private final CompiledRoute[] routes;
  private final ParamLayout[] layouts;
  private final String[] methodNames;

  RouteTrie(List<CompiledRoute> routeList) {
    this.routes = routeList.toArray(new CompiledRoute[0]);
    this.methodNames = methodNamesOf(routes);
    Draft root = new Draft();
    for (int i = 0; i < routes.length; i++) root.insert(routes[i], i);

    Map<ParamLayout, Integer> layoutIds = new LinkedHashMap<>();
    int[] layoutOfRoute = new int[routes.length];
    for (int i = 0; i < routes.length; i++) {
      layoutOfRoute[i] = layoutIds.computeIfAbsent(ParamLayout.of(routes[i].pattern()), k -> layoutIds.size());
    }
    this.layouts = layoutIds.keySet().toArray(new ParamLayout[0]);

    Writer writer = new Writer(layoutOfRoute);
    writer.layOut(root, "");
    this.nodes = Arrays.copyOf(writer.records, writer.size);

    int slots = Integer.highestOneBit(Math.max(2, writer.edges.size() * 2) - 1) << 1; // load <= 1/2
    this.edges = new int[slots * SLOT];
    this.edgeIndexMask = slots * SLOT - 1;
    this.edgeHashShift = Long.numberOfLeadingZeros(slots - 1);
    for (Edge e : writer.edges) addEdge(e);
  }

  private static String[] methodNamesOf(CompiledRoute[] routes) {
    List<String> names = new ArrayList<>();
    for (CompiledRoute r : routes) {
      for (String m : r.methods()) if (!names.contains(m) && names.size() < MAX_METHOD_BITS) names.add(m.intern());
    }
    return names.toArray(new String[0]);
  }

  // Names are interned so that a request method that is a constant, as Vert.x's are, is found by
  // the identity check String.equals starts with.
  private int methodBit(String method) {
    for (int i = 0; i < methodNames.length; i++) {
      if (methodNames[i].equals(method)) return 1 << i;
    }
    return UNNAMED_METHOD;
  }

  private int methodMask(CompiledRoute route) {
    if (route.methods().isEmpty()) return EVERY_METHOD;
    int mask = 0;
    for (String m : route.methods()) {
      int bit = methodBit(m);
      if (bit == UNNAMED_METHOD) return ASK_THE_ROUTE;
      mask |= bit;
    }
    return mask;
  }

  // ---- lookup -------------------------------------------------------------------------------------

  @Override
  public RouteMatch match(String method, String[] path) {
    int entry = find(0, path, 0, methodBit(method), method);
    if (entry == NO_ENTRY) return null;
    return new RouteMatch(routes[nodes[entry + ENTRY_ROUTE]], layouts[nodes[entry + ENTRY_PARAMS]].capture(path));
  }

  private int find(int node, String[] path, int depth, int methodBit, String method) {
    int[] n = nodes;
    if (depth == path.length) {
      int exact = pick(n[node + FIRST_ENTRY], n[node + EXACT_ROUTES], methodBit, method);
      return exact != NO_ENTRY ? exact : pickRest(node, methodBit, method);
    }
    if (n[node + LITERAL_CHILDREN] != 0) {
      int literal = literalChild(node, path[depth]);
      if (literal != NO_NODE) {
        int e = find(literal, path, depth + 1, methodBit, method);
        if (e != NO_ENTRY) return e;
      }
    }
    int param = n[node + PARAM_CHILD];
    if (param != NO_NODE) {
      int e = find(param, path, depth + 1, methodBit, method);
      if (e != NO_ENTRY) return e;
    }
    int star = n[node + STAR_CHILD];
    if (star != NO_NODE) {
      int e = find(star, path, depth + 1, methodBit, method);
      if (e != NO_ENTRY) return e;
    }
    return pickRest(node, methodBit, method);
  }

  private int pickRest(int node, int methodBit, String method) {
    int[] n = nodes;
    return pick(n[node + FIRST_ENTRY] + n[node + EXACT_ROUTES] * ENTRY, n[node + REST_ROUTES], methodBit, method);
  }

  // INVARIANT: routes sharing a node have the same shape, and the compiler refuses overlapping
  // method sets among them, so at most one can allow a given method.
  private int pick(int first, int count, int methodBit, String method) {
    int[] n = nodes;
    for (int e = first, end = first + count * ENTRY; e < end; e += ENTRY) {
      int methods = n[e + ENTRY_METHODS];
      if ((methods & methodBit) != 0) return e;
      if (methods == ASK_THE_ROUTE && routes[n[e + ENTRY_ROUTE]].allowsMethod(method)) return e;
    }
    return NO_ENTRY;
  }

  private int literalChild(int parent, String segment) {
    int[] table = edges;
    int key = parent + 1;
    int hash = segment.hashCode();
    int length = segment.length();
    for (int slot = firstSlot(key, hash); ; slot = (slot + SLOT) & edgeIndexMask) {
      int slotKey = table[slot + SLOT_PARENT];
      if (slotKey == 0) return NO_NODE;
      if (slotKey == key && table[slot + SLOT_HASH] == hash && table[slot + SLOT_LENGTH] == length) {
        int child = table[slot + SLOT_CHILD];
        if (spells(child, segment, length)) return child;
      }
    }
  }

  /** Whether the literal stored in the child's record is {@code segment}. */
  private boolean spells(int child, String segment, int length) {
    int[] n = nodes;
    int at = child + HEADER;
    int i = 0;
    for (; i + 1 < length; i += 2) {
      if (n[at + (i >> 1)] != (segment.charAt(i) | segment.charAt(i + 1) << 16)) return false;
    }
    return i == length || n[at + (i >> 1)] == segment.charAt(i);
  }

  // Fibonacci hashing: the multiply spreads the sequential hashes of names like `res1`, `res2`.
  private int firstSlot(int parentKey, int hash) {
    long key = ((long) parentKey << 32) | (hash & 0xFFFF_FFFFL);
    return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> edgeHashShift) * SLOT;
  }

  private void addEdge(Edge e) {
    int key = e.parent + 1;
    int hash = e.literal.hashCode();
    int slot = firstSlot(key, hash);
    while (edges[slot + SLOT_PARENT] != 0) slot = (slot + SLOT) & edgeIndexMask;
    edges[slot + SLOT_PARENT] = key;
    edges[slot + SLOT_HASH] = hash;
    edges[slot + SLOT_CHILD] = e.child;
    edges[slot + SLOT_LENGTH] = e.literal.length();
  }

  @Override
  public int size() {
    return routes.length;
  }

  // ---- building -----------------------------------------------------------------------------------

  /** The trie as objects, before it is laid out flat. */
  private static final class Draft {
    final Map<String, Draft> literals = new LinkedHashMap<>();
    Draft param;
    Draft star;
    final List<Integer> exact = new ArrayList<>();
    final List<Integer> rest = new ArrayList<>(); // routes whose pattern ends here with `**`

    void insert(CompiledRoute route, int index) {
      Draft node = this;
      for (PathPattern.Segment s : route.pattern().segments()) {
        switch (s.kind()) {
          case LITERAL -> node = node.literals.computeIfAbsent(s.value(), k -> new Draft());
          case PARAM -> node = node.param != null ? node.param : (node.param = new Draft());
          case STAR -> node = node.star != null ? node.star : (node.star = new Draft());
          case DOUBLE_STAR -> {
            node.rest.add(index);
            return;
          }
        }
      }
      node.exact.add(index);
    }
  }

  private record Edge(int parent, String literal, int child) {}

  /** Writes drafts as records, each followed by its subtrees, and collects the literal edges. */
  private final class Writer {
    final int[] layoutOfRoute;
    final List<Edge> edges = new ArrayList<>();
    int[] records = new int[64];
    int size;

    Writer(int[] layoutOfRoute) {
      this.layoutOfRoute = layoutOfRoute;
    }

    int layOut(Draft draft, String literal) {
      int at = size;
      int literalInts = (literal.length() + 1) / 2;
      int entries = at + HEADER + literalInts;
      size = entries + (draft.exact.size() + draft.rest.size()) * ENTRY;
      if (size > records.length) records = Arrays.copyOf(records, Math.max(size, records.length * 2));
      records[at + PARAM_CHILD] = NO_NODE;
      records[at + STAR_CHILD] = NO_NODE;
      records[at + LITERAL_CHILDREN] = draft.literals.size();
      records[at + FIRST_ENTRY] = entries;
      records[at + EXACT_ROUTES] = draft.exact.size();
      records[at + REST_ROUTES] = draft.rest.size();
      for (int i = 0; i < literal.length(); i++) {
        records[at + HEADER + i / 2] |= literal.charAt(i) << (i % 2 == 0 ? 0 : 16);
      }
      int e = entries;
      for (List<Integer> group : List.of(draft.exact, draft.rest)) {
        for (int route : group) {
          records[e + ENTRY_METHODS] = methodMask(routes[route]);
          records[e + ENTRY_ROUTE] = route;
          records[e + ENTRY_PARAMS] = layoutOfRoute[route];
          e += ENTRY;
        }
      }
      for (Map.Entry<String, Draft> child : draft.literals.entrySet()) {
        edges.add(new Edge(at, child.getKey(), layOut(child.getValue(), child.getKey())));
      }
      // Stored only after the call returns: writing the subtree may replace `records`.
      if (draft.param != null) {
        int param = layOut(draft.param, "");
        records[at + PARAM_CHILD] = param;
      }
      if (draft.star != null) {
        int star = layOut(draft.star, "");
        records[at + STAR_CHILD] = star;
      }
      return at;
    }
  }

  /**
   * Where a pattern's parameters sit and what they are called. Routes share equal layouts, so
   * capturing reads a handful of objects that stay in cache however many routes there are.
   */
  private static final class ParamLayout {
    final int[] positions;
    final String[] names;

    private ParamLayout(int[] positions, String[] names) {
      this.positions = positions;
      this.names = names;
    }

    static ParamLayout of(PathPattern pattern) {
      List<Integer> positions = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<PathPattern.Segment> segments = pattern.segments();
      for (int i = 0; i < segments.size(); i++) {
        if (segments.get(i).kind() == PathPattern.Kind.PARAM) {
          positions.add(i);
          names.add(segments.get(i).value());
        }
      }
      return new ParamLayout(positions.stream().mapToInt(Integer::intValue).toArray(), names.toArray(new String[0]));
    }

    /** The same map {@link PathPattern#params} builds. */
    Map<String, String> capture(String[] path) {
      if (names.length == 0) return Map.of();
      Map<String, String> params = new HashMap<>(4);
      for (int i = 0; i < names.length; i++) params.put(names[i], path[positions[i]]);
      return params;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParamLayout other && Arrays.equals(positions, other.positions)
          && Arrays.equals(names, other.names);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(positions) + Arrays.hashCode(names);
    }
  }
}
