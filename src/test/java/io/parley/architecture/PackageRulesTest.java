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
                .layer("attachment").definedBy("io.parley.attachment..")
                .layer("compliance").definedBy("io.parley.compliance..")
                .layer("access").definedBy("io.parley.access..")
                .layer("integration").definedBy("io.parley.integration..")
                .layer("agent").definedBy("io.parley.agent..")
                .layer("chat").definedBy("io.parley.chat..")
                .layer("llm").definedBy("io.parley.llm..")
                .layer("knowledge").definedBy("io.parley.knowledge..")
                .layer("lifecycle").definedBy("io.parley.lifecycle..")
                .layer("widget").definedBy("io.parley.widget..")
                .layer("offline").definedBy("io.parley.offline..")
                .layer("actions").definedBy("io.parley.actions..")
                .layer("limits").definedBy("io.parley.limits..")
                .layer("conversation").definedBy("io.parley.conversation..")
                .layer("answer").definedBy("io.parley.answer..")
                .layer("audit").definedBy("io.parley.audit..")
                .layer("failure").definedBy("io.parley.failure..")
                .layer("ops").definedBy("io.parley.ops..")
                .layer("privacy").definedBy("io.parley.privacy..")
                .whereLayer("attachment").mayNotBeAccessedByAnyLayer()
                .whereLayer("integration").mayNotBeAccessedByAnyLayer()
                .whereLayer("compliance").mayNotBeAccessedByAnyLayer()
                .whereLayer("access").mayNotBeAccessedByAnyLayer()
                .whereLayer("agent").mayOnlyBeAccessedByLayers("access", "compliance", "attachment")
                .whereLayer("chat").mayOnlyBeAccessedByLayers("agent", "integration", "attachment")
                .whereLayer("llm").mayOnlyBeAccessedByLayers("chat", "agent", "compliance", "integration")
                .whereLayer("knowledge").mayOnlyBeAccessedByLayers("chat", "agent")
                .whereLayer("lifecycle").mayOnlyBeAccessedByLayers("chat", "agent", "integration", "attachment")
                .whereLayer("widget").mayOnlyBeAccessedByLayers("chat", "agent")
                .whereLayer("offline").mayOnlyBeAccessedByLayers("llm", "chat", "agent", "integration")
                .whereLayer("actions").mayOnlyBeAccessedByLayers("offline", "llm", "agent")
                .whereLayer("limits").mayOnlyBeAccessedByLayers("llm", "chat", "agent", "integration", "attachment")
                .whereLayer("conversation").mayOnlyBeAccessedByLayers("lifecycle", "knowledge", "llm", "chat", "agent", "compliance", "integration", "attachment")
                .whereLayer("answer").mayOnlyBeAccessedByLayers("conversation", "actions", "offline", "llm", "knowledge", "lifecycle", "chat", "agent", "integration")
                .whereLayer("privacy").mayOnlyBeAccessedByLayers("offline", "conversation", "llm", "lifecycle", "chat", "agent", "compliance", "access")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("agent", "chat", "llm", "knowledge", "lifecycle", "widget", "ops", "actions", "access", "compliance", "integration")
                .whereLayer("ops").mayOnlyBeAccessedByLayers("agent", "chat", "knowledge", "widget", "privacy", "access", "compliance", "attachment")
                .check(PARLEY);
    }
}
