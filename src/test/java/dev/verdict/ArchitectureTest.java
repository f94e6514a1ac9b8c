package dev.verdict;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer arrows of DESIGN.md point one way. Each rule fails on an empty selection (ArchUnit's
 * default), so a renamed package cannot make a rule pass vacuously.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.verdict");
    assertTrue(classes.contain(dev.verdict.eval.Evaluator.class));
    assertTrue(classes.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")), "test classes were imported");
  }

  @Test
  void evaluator_isPure_noVertxNetworkFilesLoggingOrClock() {
    noClasses().that().resideInAPackage("dev.verdict.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.net..", "java.nio.file..",
            "java.util.logging..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .because("the evaluator is a pure function (STYLE.md, habit 2)")
        .check(classes);
  }

  @Test
  void rootVocabulary_dependsOnlyOnTheJdkAndItself() {
    classes().that().resideInAPackage("dev.verdict")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.verdict")
        .because("the vocabulary depends on nothing but the JDK")
        .check(classes);
  }

  @Test
  void rules_knowNeitherMvelNorVertx() {
    noClasses().that().resideInAPackage("dev.verdict.rules..")
        .should().dependOnClassesThat().resideInAnyPackage("org.mvel2..", "io.vertx..")
        .check(classes);
  }

  @Test
  void policy_doesNotKnowHowItWasBuilt() {
    noClasses().that().resideInAPackage("dev.verdict.policy..")
        .should().dependOnClassesThat().resideInAnyPackage("org.mvel2..", "org.yaml..", "io.vertx..")
        .check(classes);
  }

  @Test
  void nothingButTheCli_dependsOnTheCli() {
    noClasses().that().resideOutsideOfPackage("dev.verdict.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.verdict.cli..")
        .check(classes);
  }

  @Test
  void nothingButTheSidecarAndTheCli_dependsOnTheSidecar() {
    noClasses().that().resideOutsideOfPackages("dev.verdict.sidecar..", "dev.verdict.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.verdict.sidecar..")
        .check(classes);
  }
}
