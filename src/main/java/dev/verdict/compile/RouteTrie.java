package dev.verdict.compile;

import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment trie over route patterns. Lookup cost grows with path depth, not with route count.
 *
 * <p>Depth-first search visits children in specificity order (literal, {@code {param}},
 * {@code *}, then {@code **}) and at the end of the path tries routes that end exactly before
 * routes ending in {@code **}; so the first route found is the most specific one, as
 * {@link PathPattern#compareSpecificity} defines it. {@link LinearRouteMatcher} is the reference.
 */
final class RouteTrie implements RouteMatcher {

  private static final class Node {
    final Map<String, Node> literals = new HashMap<>();
    Node param;
    Node star;
    CompiledRoute[] exact = NONE;
    CompiledRoute[] rest = NONE; // routes whose pattern ends here with `**`
  }

  private static final CompiledRoute[] NONE = new CompiledRoute[0];

  private final Node root = new Node();
  private final int size;

  RouteTrie(List<CompiledRoute> routes) {
    for (CompiledRoute route : routes) insert(route);
    this.size = routes.size();
  }

  private void insert(CompiledRoute route) {
    Node node = root;
    for (PathPattern.Segment s : route.pattern().segments()) {
      switch (s.kind()) {
        case LITERAL -> node = node.literals.computeIfAbsent(s.value(), k -> new Node());
        case PARAM -> node = node.param != null ? node.param : (node.param = new Node());
        case STAR -> node = node.star != null ? node.star : (node.star = new Node());
        case DOUBLE_STAR -> {
          node.rest = append(node.rest, route);
          return;
        }
      }
    }
    node.exact = append(node.exact, route);
  }

  private static CompiledRoute[] append(CompiledRoute[] routes, CompiledRoute route) {
    List<CompiledRoute> list = new ArrayList<>(List.of(routes));
    list.add(route);
    return list.toArray(NONE);
  }

  @Override
  public RouteMatch match(String method, String[] path) {
    CompiledRoute route = find(root, path, 0, method);
    return route == null ? null : new RouteMatch(route, route.pattern().params(path));
  }

  private static CompiledRoute find(Node node, String[] path, int depth, String method) {
    if (depth == path.length) {
      CompiledRoute r = pick(node.exact, method);
      return r != null ? r : pick(node.rest, method);
    }
    String segment = path[depth];
    Node literal = node.literals.get(segment);
    if (literal != null) {
      CompiledRoute r = find(literal, path, depth + 1, method);
      if (r != null) return r;
    }
    if (node.param != null) {
      CompiledRoute r = find(node.param, path, depth + 1, method);
      if (r != null) return r;
    }
    if (node.star != null) {
      CompiledRoute r = find(node.star, path, depth + 1, method);
      if (r != null) return r;
    }
    return pick(node.rest, method);
  }

  // INVARIANT: routes sharing a node have the same shape, and the compiler refuses overlapping
  // method sets among them, so at most one can allow a given method.
  private static CompiledRoute pick(CompiledRoute[] routes, String method) {
    for (CompiledRoute r : routes) {
      if (r.allowsMethod(method)) return r;
    }
    return null;
  }

  @Override
  public int size() {
    return size;
  }
}
