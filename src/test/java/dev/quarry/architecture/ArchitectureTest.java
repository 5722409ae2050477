package dev.quarry.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency direction of ARCHITECTURE.md: canonical ← surfaces, providers ← gateway ←
 * server/cli; governance depends on canonical and store only; a surface never imports a provider.
 * The AWS protocol library ({@code dev.quarry.aws}) sits beside canonical: surfaces, providers and
 * identity (SigV4 verification) may use it, and it uses nothing but the JDK. Routing
 * ({@code dev.quarry.routing}) knows the catalog and the canonical model, and the gateway drives it.
 */
@AnalyzeClasses(packages = "dev.quarry", importOptions = ArchitectureTest.ProductionClassesOnly.class)
class ArchitectureTest {
    private static final String[] GOVERNANCE = {
            "dev.quarry.identity..", "dev.quarry.policy..", "dev.quarry.audit..", "dev.quarry.metering..", "dev.quarry.pricing..",
            "dev.quarry.budget..", "dev.quarry.ratelimit..", "dev.quarry.store..", "dev.quarry.guardrails.."};

    /**
     * Leaves out compiled tests wherever the build folder is: ArchUnit's own option only knows
     * {@code target/test-classes}, and a build with {@code -Dquarry.build.dir} puts them elsewhere.
     */
    static final class ProductionClassesOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/");
        }
    }

    @ArchTest
    static final ArchRule canonicalDependsOnNothing = classes().that().resideInAPackage("dev.quarry.canonical..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.canonical..", "java..");

    @ArchTest
    static final ArchRule awsProtocolsDependOnTheJdkOnly = classes().that().resideInAPackage("dev.quarry.aws..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.aws..", "java..", "javax.crypto..");

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

    /** Routing decides where a request goes and when to try again; the gateway makes the calls, so routing knows no provider. */
    @ArchTest
    static final ArchRule routingKnowsOnlyTheCatalogAndTheCanonicalModel = classes().that().resideInAPackage("dev.quarry.routing..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.routing..", "dev.quarry.catalog..",
                    "dev.quarry.canonical..", "java..");

    @ArchTest
    static final ArchRule onlyTheCliUsesTheServerWiring = noClasses().that().resideOutsideOfPackages("dev.quarry.server..", "dev.quarry.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..");

    @ArchTest
    static final ArchRule providerInternalsStayInside = noClasses().that().resideOutsideOfPackage("dev.quarry.provider.openai..")
            .should().dependOnClassesThat().resideInAPackage("dev.quarry.provider.openai.internal..");

    @ArchTest
    static final ArchRule featurePackagesHaveNoCycles = slices().matching("dev.quarry.(*)..").should().beFreeOfCycles();
}
