package dev.quarry.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency direction of ARCHITECTURE.md: canonical ← surfaces, providers ← gateway ←
 * server/cli; governance depends on canonical and store only; a surface never imports a provider.
 */
@AnalyzeClasses(packages = "dev.quarry", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] GOVERNANCE = {"dev.quarry.identity..", "dev.quarry.metering..", "dev.quarry.store.."};

    @ArchTest
    static final ArchRule canonicalDependsOnNothing = classes().that().resideInAPackage("dev.quarry.canonical..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.canonical..", "java..");

    @ArchTest
    static final ArchRule surfacesKnowOnlyTheCanonicalModel = noClasses().that().resideInAPackage("dev.quarry.surface..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.provider..", "dev.quarry.gateway..",
                    "dev.quarry.server..", "dev.quarry.cli..", "dev.quarry.catalog..", "dev.quarry.config..",
                    "dev.quarry.identity..", "dev.quarry.metering..", "dev.quarry.store..", "io.helidon..");

    @ArchTest
    static final ArchRule providersKnowNoSurfaceAndNoGovernance = noClasses().that().resideInAPackage("dev.quarry.provider..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.surface..", "dev.quarry.gateway..",
                    "dev.quarry.server..", "dev.quarry.cli..", "dev.quarry.config..", "dev.quarry.identity..",
                    "dev.quarry.metering..", "dev.quarry.store..", "dev.quarry.catalog..");

    @ArchTest
    static final ArchRule governanceKnowsNoServerSurfaceOrProvider = noClasses().that().resideInAnyPackage(GOVERNANCE)
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..",
                    "dev.quarry.surface..", "dev.quarry.provider..", "dev.quarry.gateway..", "dev.quarry.config..",
                    "io.helidon..");

    @ArchTest
    static final ArchRule gatewayKnowsNoServerNorSurface = noClasses().that().resideInAPackage("dev.quarry.gateway..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..",
                    "dev.quarry.surface..", "io.helidon..");

    @ArchTest
    static final ArchRule onlyTheCliUsesTheServerWiring = noClasses().that().resideOutsideOfPackages("dev.quarry.server..", "dev.quarry.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..");

    @ArchTest
    static final ArchRule providerInternalsStayInside = noClasses().that().resideOutsideOfPackage("dev.quarry.provider.openai..")
            .should().dependOnClassesThat().resideInAPackage("dev.quarry.provider.openai.internal..");

    @ArchTest
    static final ArchRule featurePackagesHaveNoCycles = slices().matching("dev.quarry.(*)..").should().beFreeOfCycles();
}
