package io.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package layout drawn in docs/architecture.md: feature packages, each using only those below it. */
class PackageRulesTest {

    private static final JavaClasses PARLEY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.parley");

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching("io.parley.(*)..").should().beFreeOfCycles().check(PARLEY);
    }

    @Test
    void eachPackageUsesOnlyThoseBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("integration").definedBy("io.parley.integration..")
                .layer("agent").definedBy("io.parley.agent..")
                .layer("chat").definedBy("io.parley.chat..")
                .layer("llm").definedBy("io.parley.llm..")
                .layer("lifecycle").definedBy("io.parley.lifecycle..")
                .layer("widget").definedBy("io.parley.widget..")
                .layer("offline").definedBy("io.parley.offline..")
                .layer("limits").definedBy("io.parley.limits..")
                .layer("conversation").definedBy("io.parley.conversation..")
                .layer("answer").definedBy("io.parley.answer..")
                .layer("audit").definedBy("io.parley.audit..")
                .layer("failure").definedBy("io.parley.failure..")
                .layer("ops").definedBy("io.parley.ops..")
                .whereLayer("integration").mayNotBeAccessedByAnyLayer()
                .whereLayer("agent").mayNotBeAccessedByAnyLayer()
                .whereLayer("chat").mayOnlyBeAccessedByLayers("agent", "integration")
                .whereLayer("llm").mayOnlyBeAccessedByLayers("chat", "agent", "integration")
                .whereLayer("lifecycle").mayOnlyBeAccessedByLayers("chat", "agent", "integration")
                .whereLayer("widget").mayOnlyBeAccessedByLayers("chat", "agent")
                .whereLayer("offline").mayOnlyBeAccessedByLayers("llm", "chat", "agent", "integration")
                .whereLayer("limits").mayOnlyBeAccessedByLayers("llm", "chat", "agent", "integration")
                .whereLayer("conversation").mayOnlyBeAccessedByLayers("lifecycle", "llm", "chat", "agent", "integration")
                .whereLayer("answer").mayOnlyBeAccessedByLayers("conversation", "offline", "llm", "lifecycle", "chat", "agent", "integration")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("agent", "chat", "llm", "lifecycle", "widget", "ops", "integration")
                .whereLayer("ops").mayOnlyBeAccessedByLayers("agent", "chat", "widget")
                .check(PARLEY);
    }
}
