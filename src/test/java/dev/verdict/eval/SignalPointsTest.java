package dev.verdict.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.RiskAssessment;
import dev.verdict.policy.Signal;
import dev.verdict.vertx.DecisionJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact points map reads exactly as the {@code LinkedHashMap} it replaced. */
class SignalPointsTest {

  private static final List<Signal> SIGNALS = List.of(new Signal("untrusted_network", null),
      new Signal("missing_user_agent", null), new Signal("scripted_client", null), new Signal("sensitive_path", null));

  private static SignalPoints filled(int... points) {
    SignalPoints map = new SignalPoints(SIGNALS);
    for (int p : points) map.add(p);
    return map;
  }

  private static Map<String, Integer> reference(int... points) {
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < points.length; i++) map.put(SIGNALS.get(i).name(), points[i]);
    return map;
  }

  @Test
  void readsAsTheLinkedHashMap_itReplaced() {
    int[] points = {40, 0, -7, 1_000_000};
    SignalPoints map = filled(points);
    Map<String, Integer> expected = reference(points);
    assertEquals(expected, map);
    assertEquals(map, expected);
    assertEquals(expected.hashCode(), map.hashCode());
    assertEquals(expected.toString(), map.toString());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(map.keySet()));
    assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(map.values()));
    assertEquals(1_000_000, map.get("sensitive_path"));
    assertNull(map.get("nope"));
    assertNull(map.get(null));
    assertFalse(map.containsKey(null));
    assertTrue(map.containsKey("scripted_client"));
    Map<String, Integer> seen = new LinkedHashMap<>();
    map.forEach(seen::put);
    assertEquals(List.copyOf(expected.entrySet()), List.copyOf(seen.entrySet()));
  }

  @Test
  void aPartlyFilledMap_showsOnlyTheSignalsAdded() {
    SignalPoints map = filled(5);
    assertEquals(Map.of("untrusted_network", 5), map);
    assertFalse(map.containsKey("missing_user_agent"));
  }

  @Test
  void cannotBeChanged_throughTheRiskAssessment() {
    RiskAssessment risk = new RiskAssessment(40, 80, filled(40, 0, 0, 0));
    assertThrows(UnsupportedOperationException.class, () -> risk.signals().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> risk.signals().entrySet().iterator().next().setValue(3));
    assertEquals(new RiskAssessment(40, 80, reference(40, 0, 0, 0)), risk);
  }

  @Test
  void jsonIsUnchanged() {
    var withCompact = new dev.verdict.Decision(dev.verdict.Outcome.ALLOW, "r", "u", List.of(),
        new RiskAssessment(40, 80, filled(40, 0, 30, 0)), null, null, "id", "rev");
    var withMap = new dev.verdict.Decision(dev.verdict.Outcome.ALLOW, "r", "u", List.of(),
        new RiskAssessment(40, 80, reference(40, 0, 30, 0)), null, null, "id", "rev");
    assertEquals(DecisionJson.toJson(withMap).encode(), DecisionJson.toJson(withCompact).encode());
  }
}
