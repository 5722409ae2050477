package dev.quarry.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.quarry.identity.Credential;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The AWS SDK is a source of credentials (its default chain: profiles, web identity, container
     * and instance roles), not a way to call AWS: one small adapter in the providers' shared AWS
     * package turns what it finds into {@code dev.quarry.aws.AwsCredentials}, and Quarry's own client
     * and SigV4 make the calls.
     */
    @ArchTest
    static final ArchRule onlyTheProvidersAwsPackageUsesTheAwsSdk = noClasses().that().resideOutsideOfPackage("dev.quarry.provider.aws..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon..");

    /**
     * Real tokenizers sit beside canonical, whose {@code Tokenizer} they implement: they use a
     * tokenizer library and nothing of Quarry's but canonical, and only they use that library.
     */
    @ArchTest
    static final ArchRule tokenizersUseCanonicalAndTheirLibraryOnly = classes().that().resideInAPackage("dev.quarry.tokenizer..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.tokenizer..", "dev.quarry.canonical..", "java..",
                    "com.knuddels.jtokkit..");

    @ArchTest
    static final ArchRule onlyTheTokenizersUseJtokkit = noClasses().that().resideOutsideOfPackage("dev.quarry.tokenizer..")
            .should().dependOnClassesThat().resideInAPackage("com.knuddels.jtokkit..");

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
    /**
     * The harness credential is trusted without proof: only code Quarry runs for its own agent
     * sessions may make one, never what turns an HTTP request into a credential.
     */
    @ArchTest
    static final ArchRule noRequestBecomesAHarnessCredential = noClasses().that().resideInAnyPackage("dev.quarry.server..", "dev.quarry.surface..")
            .should().callConstructorWhere(target(owner(type(Credential.Harness.class))));

    @ArchTest
    static final ArchRule routingKnowsOnlyTheCatalogAndTheCanonicalModel = classes().that().resideInAPackage("dev.quarry.routing..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.routing..", "dev.quarry.catalog..",
                    "dev.quarry.canonical..", "java..");

    @ArchTest
    static final ArchRule onlyTheCliUsesTheServerWiring = noClasses().that().resideOutsideOfPackages("dev.quarry.server..", "dev.quarry.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..");

    /**
     * A provider's {@code internal} package (its wire codec) is used only by that provider: any
     * provider, present or future, may change its internals without touching another.
     */
    @ArchTest
    static final ArchRule providerInternalsStayInside = classes().that().resideInAPackage("dev.quarry.provider.(*).internal..")
            .should(new OnlyUsedWithinItsProvider());

    /**
     * The governance packages' own edges, each allowed on purpose: policies name principals
     * (identity); budgets scope to principals and price usage; prices read metered usage;
     * guardrails audit their interventions; everything may persist through the store. Anything
     * else (say, identity reaching into budgets) is a new coupling to argue for here first.
     */
    @ArchTest
    static final ArchRule governanceEdgesAreTheAllowedOnes = CompositeArchRule.of(governance("identity", "store"))
            .and(governance("policy", "identity", "store"))
            .and(governance("audit", "store"))
            .and(governance("metering", "store"))
            .and(governance("pricing", "metering", "store"))
            .and(governance("budget", "identity", "pricing", "store"))
            .and(governance("ratelimit"))
            .and(governance("guardrails", "audit", "store"))
            .and(governance("store"));

    /** {@code pkg} may use these governance packages and no other (plus canonical, aws and libraries). */
    private static ArchRule governance(String pkg, String... allowed) {
        List<String> forbidden = new ArrayList<>();
        for (String g : GOVERNANCE) {
            String name = g.substring("dev.quarry.".length(), g.length() - 2);
            if (!name.equals(pkg) && !List.of(allowed).contains(name)) forbidden.add(g);
        }
        return noClasses().that().resideInAPackage("dev.quarry." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .as("governance package " + pkg + " uses no governance package but " + String.join(", ", allowed));
    }

    /** The provider owning a class of {@code dev.quarry.provider.X.internal..}: {@code dev.quarry.provider.X}. */
    private static final class OnlyUsedWithinItsProvider extends ArchCondition<JavaClass> {
        OnlyUsedWithinItsProvider() {
            super("be used only within its own provider package");
        }

        @Override
        public void check(JavaClass internal, ConditionEvents events) {
            String pkg = internal.getPackageName();
            String provider = pkg.substring(0, pkg.indexOf(".internal"));
            for (Dependency use : internal.getDirectDependenciesToSelf()) {
                String from = use.getOriginClass().getPackageName();
                if (!from.equals(provider) && !from.startsWith(provider + ".")) {
                    events.add(SimpleConditionEvent.violated(use, use.getDescription()));
                }
            }
        }
    }

    /** Managed agents' data is data only, like canonical: the JDK and the canonical model. */
    @ArchTest
    static final ArchRule agentsModelUsesTheJdkAndCanonicalOnly = classes().that().resideInAPackage("dev.quarry.agents.model..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.quarry.agents.model..", "dev.quarry.canonical..", "java..");

    /**
     * The one argued edge out of a surface beyond canonical: the Agents API codec reads and writes
     * the agents' model (data only). No other surface knows agents, and none knows their store,
     * service or runtime.
     */
    @ArchTest
    static final ArchRule surfaceAgentsUsesOnlyAgentsModel = CompositeArchRule.of(noClasses().that().resideInAPackage("dev.quarry.surface..")
                    .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.agents.store..", "dev.quarry.agents.service..",
                            "dev.quarry.agents.runtime.."))
            .and(noClasses().that().resideInAPackage("dev.quarry.surface..").and().resideOutsideOfPackage("dev.quarry.surface.agents..")
                    .should().dependOnClassesThat().resideInAPackage("dev.quarry.agents.."));

    /** Agents run through the gateway as any caller does; the gateway and governance learn only strings (session and turn ids). */
    @ArchTest
    static final ArchRule gatewayKnowsNoAgents = noClasses().that().resideInAnyPackage(concat(GOVERNANCE, "dev.quarry.gateway..", "dev.quarry.routing..",
                    "dev.quarry.provider..", "dev.quarry.catalog..", "dev.quarry.canonical.."))
            .should().dependOnClassesThat().resideInAPackage("dev.quarry.agents..");

    /** Managed agents sit under the server: they never use it, the CLI, a surface, a provider or Helidon. */
    @ArchTest
    static final ArchRule agentsKnowNoEdge = noClasses().that().resideInAPackage("dev.quarry.agents..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.server..", "dev.quarry.cli..", "dev.quarry.surface..",
                    "dev.quarry.provider..", "dev.quarry.config..", "io.helidon..");

    /** The agents' store uses their model, the store and canonical: nothing above it. */
    @ArchTest
    static final ArchRule agentsStoreKnowsOnlyTheModelAndTheStore = noClasses().that().resideInAPackage("dev.quarry.agents.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.agents.service..", "dev.quarry.agents.runtime..",
                    "dev.quarry.gateway..", "dev.quarry.identity..", "dev.quarry.policy..", "dev.quarry.audit..", "dev.quarry.budget..");

    /** The agents' service sees the caller as identity.Acting and keeps rows through agents.store, never the raw store or the gateway. */
    @ArchTest
    static final ArchRule agentsServiceUsesTheAgentsStoreNotTheGateway = noClasses().that().resideInAPackage("dev.quarry.agents.service..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.gateway..", "dev.quarry.store..", "dev.quarry.catalog..",
                    "dev.quarry.routing..");

    /**
     * An environment is machinery under the runtime: it runs processes and touches files, and knows
     * nothing of turns, the store or the gateway (the runtime authorizes and audits each call).
     */
    @ArchTest
    static final ArchRule environmentsKnowOnlyTheirMachines = noClasses().that().resideInAPackage("dev.quarry.agents.environment..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.quarry.agents.runtime..", "dev.quarry.agents.service..",
                    "dev.quarry.agents.store..", "dev.quarry.gateway..", "dev.quarry.store..", "dev.quarry.policy..", "dev.quarry.audit..",
                    "dev.quarry.identity..");

    /** The MCP SDK is used from one package only, behind its sync facade. */
    @ArchTest
    static final ArchRule onlyAgentsMcpUsesTheMcpSdk = noClasses().that().resideOutsideOfPackage("dev.quarry.agents.runtime.mcp..")
            .should().dependOnClassesThat().resideInAPackage("io.modelcontextprotocol..");

    /**
     * Blocking I/O on virtual threads: no reactive code of ours (Reactor stays inside the MCP SDK),
     * but for the stdio transport the SDK takes, whose interface is Reactor's; it blocks within.
     */
    @ArchTest
    static final ArchRule nothingOfOursUsesReactor = noClasses().that().resideInAPackage("dev.quarry..")
            .and().doNotHaveFullyQualifiedName("dev.quarry.agents.runtime.mcp.ExecStdioTransport")
            .should().dependOnClassesThat().resideInAnyPackage("reactor..", "org.reactivestreams..");

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ArchTest
    static final ArchRule featurePackagesHaveNoCycles = slices().matching("dev.quarry.(*)..").should().beFreeOfCycles();
}
