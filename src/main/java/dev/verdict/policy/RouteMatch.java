package dev.verdict.policy;

import java.util.Map;

/** The route chosen for a path, with the values its {@code {params}} captured. */
public record RouteMatch(CompiledRoute route, Map<String, String> params) {}
