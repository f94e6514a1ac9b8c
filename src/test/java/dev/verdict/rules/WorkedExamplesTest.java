package dev.verdict.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.eval.Evaluator;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worked matching examples in rules/README.md are decided exactly as the table says. */
class WorkedExamplesTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([A-Z]+) ([^`]+)` \\| (?:`([^`]+)`|nothing)");

  @Test
  void everyRowOfTheWorkedExamplesTable_holds(@TempDir Path dir) throws Exception {
    String doc = Files.readString(Path.of("rules/README.md"));
    int start = doc.indexOf("Worked examples");
    int yamlStart = doc.indexOf("```yaml\n", start) + "```yaml\n".length();
    String routes = doc.substring(yamlStart, doc.indexOf("```", yamlStart));
    RuleFiles.write(dir, "doc.yaml", "package: doc.http\nidentity:\n  algorithms: [HS256]\n  secret: ${env:S}\n" + routes);
    CompiledPackage pkg = RuleFiles.compile(dir).packageNamed("doc.http");
    Identity everything = Identity.verified("u", Set.of("bots:read", "conversations:read", "conversations:export",
        "chat:send", "admin"), Map.of("sub", "u"));

    List<String> checked = new ArrayList<>();
    for (String line : doc.substring(start).lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (!m.find()) continue;
      Decision d = Evaluator.decide(pkg, Request.of(m.group(1), m.group(2)), everything, 0L, "doc", "rev");
      assertEquals(m.group(3), d.rule(), line);
      checked.add(m.group(2));
    }
    assertTrue(checked.size() >= 8, "the table should have its eight rows: " + checked);
  }
}
