package dev.quarry.server;

import dev.quarry.agents.environment.EnvironmentSettings;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.vault.VaultKeys;
import dev.quarry.agents.vault.VaultStore;
import dev.quarry.agents.vault.Vaults;
import dev.quarry.agents.runtime.AgentRuntime;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.RuntimeSettings;
import dev.quarry.agents.runtime.SessionExecutors;
import dev.quarry.agents.runtime.mcp.McpClients;
import dev.quarry.agents.runtime.mcp.McpSettings;
import dev.quarry.agents.service.AgentSessions;
import dev.quarry.agents.service.DialOutGate;
import dev.quarry.agents.service.EnvironmentRules;
import dev.quarry.agents.service.RoleSessions;
import dev.quarry.agents.service.SavedAgents;
import dev.quarry.agents.service.SessionInputs;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.DialOutStore;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditLog;
import dev.quarry.audit.AuditQueries;
import dev.quarry.audit.SigningKey;
import dev.quarry.budget.BudgetAdmin;
import dev.quarry.budget.BudgetBook;
import dev.quarry.budget.BudgetDirectory;
import dev.quarry.budget.BudgetStore;
import dev.quarry.budget.LedgerSpend;
import dev.quarry.budget.WebhookAlerts;
import dev.quarry.budget.WebhookTargets;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.BuiltInCatalog;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.config.AgentsSettings;
import dev.quarry.config.Assembly;
import dev.quarry.config.ConfigException;
import dev.quarry.config.ConfiguredPrices;
import dev.quarry.config.QuarryConfig;
import dev.quarry.gateway.Gateway;
import dev.quarry.guardrails.Detectors;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailStore;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.BootstrapAdmin;
import dev.quarry.identity.IdentityAdmin;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.KeyUsageWriter;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.AnswerFeedback;
import dev.quarry.metering.ExperimentReport;
import dev.quarry.metering.GroupCommitLedger;
import dev.quarry.metering.UsageQueries;
import dev.quarry.metering.UsageReport;
import dev.quarry.policy.EscalationGuard;
import dev.quarry.policy.PolicyAdmin;
import dev.quarry.policy.PolicyDirectory;
import dev.quarry.policy.PolicyStore;
import dev.quarry.pricing.CommitmentStore;
import dev.quarry.pricing.CostAdmin;
import dev.quarry.pricing.PriceSheet;
import dev.quarry.pricing.PriceStore;
import dev.quarry.provider.ProviderRegistry;
import dev.quarry.provider.echo.EchoProvider;
import dev.quarry.provider.minilm.MiniLmProvider;
import dev.quarry.ratelimit.RateLimits;
import dev.quarry.store.ChangeWatcher;
import dev.quarry.store.DataFolder;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.tokenizer.Tokenizers;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpService;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One running Quarry: the store, the governance parts, the gateway and the HTTP server, wired
 * together from a configuration. {@link #close()} shuts down gracefully.
 */
public final class Quarry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Quarry.class.getName());

    /** A signed audit digest at least this often, and after this many events, whichever comes first. */
    private static final Duration AUDIT_DIGEST_INTERVAL = Duration.ofMinutes(1);
    private static final int AUDIT_DIGEST_EVERY = 10_000;
    /** How long requests cut off at the end of the grace period get to record their usage before the ledger closes. */
    private static final Duration CUT_REQUESTS_SETTLE = Duration.ofSeconds(5);

    private final QuarryConfig config;
    private final Database db;
    private final GroupCommitLedger ledger;
    private final AuditLog audit;
    private final MasterKey masterKey;
    private final AgentRuntime agents;
    private final IdentityStore identities;
    private final KeyUsageWriter keyUsage;
    private final ChangeWatcher changes;
    private final BootstrapAdmin admin;
    private final PolicyStore policies;
    private final PolicyDirectory policyDirectory;
    private final RateLimits rateLimits;
    private final BudgetDirectory budgets;
    private final Gateway gateway;
    private final Draining draining = new Draining();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConnectionGuard connections;
    private final ListenerSupervisor listener;

    private Quarry(QuarryConfig config, Function<String, String> env) {
        this.config = config;
        Catalog catalog = Assembly.catalog(config);
        MiniLmProvider minilm = new MiniLmProvider(BuiltInCatalog.MINILM_PROVIDER);
        ProviderRegistry providers = ProviderRegistry.create(
                List.of(new EchoProvider(BuiltInCatalog.ECHO_PROVIDER), minilm),
                Assembly.providers(config, env), env);
        Detectors detectors = new Detectors(minilm::embedTexts);
        compileConfigGuardrails(config, detectors);
        // Refused before the store is opened, so that each is one line and leaves nothing open behind it.
        ListenerSupervisor.requireBindable(config.server().host(), config.server().port());
        DataFolder.requireWritable(config.dataDir());
        this.admin = BootstrapAdmin.resolve(config.dataDir(), env.apply(BootstrapAdmin.ENV));
        this.connections = ConnectionGuard.within(config.server().connections(), ConnectionGuard.descriptorLimit());
        this.db = config.openStore();
        Clock clock = Clock.systemUTC();
        this.masterKey = MasterKey.resolve(config.dataDir(), env.apply(MasterKey.ENV));
        this.identities = new IdentityStore(db, masterKey);
        DataFolder.warnIfExposed(config.dataDir(), List.of("admin.key", "master.key", "audit-signing.key", "quarry.db"));
        Principal adminPrincipal = identities.ensurePrincipal(BootstrapAdmin.PRINCIPAL, PrincipalKind.ADMIN);
        refuseAnotherPrincipalsKeyAsAdmin(adminPrincipal);
        Authenticator authenticator = new Authenticator(identities, clock);
        authenticator.trust(admin.apiKey(), adminPrincipal);
        this.keyUsage = KeyUsageWriter.start(authenticator);
        // Read the store's versions before the views below load, so no change slips between.
        this.changes = new ChangeWatcher(db, ChangeWatcher.INTERVAL);
        this.ledger = new GroupCommitLedger(db);
        this.audit = new AuditLog(db, SigningKey.inDataDir(config.dataDir()), AuditAnchor.inDataDir(config.dataDir()), clock,
                AUDIT_DIGEST_EVERY, AUDIT_DIGEST_INTERVAL);
        this.policies = new PolicyStore(db, clock);
        this.policyDirectory = new PolicyDirectory(policies);
        PriceStore priceStore = new PriceStore(db, clock);
        var platforms = ConfiguredPrices.platforms(config);
        PriceSheet prices = new PriceSheet(priceStore, ConfiguredPrices.entries(catalog.models(), platforms), platforms);
        this.rateLimits = RateLimits.create(config.rateLimits(), config.redisUrl(), clock);
        WebhookTargets webhooks = WebhookTargets.from(env);
        BudgetStore budgetStore = new BudgetStore(db, clock, webhooks);
        this.budgets = new BudgetDirectory(budgetStore, policyDirectory::groupsOf, new LedgerSpend(db),
                new BudgetBook(clock, new WebhookAlerts(webhooks)));
        changes.onChange(StoreVersions.IDENTITY, authenticator::forget);
        changes.onChange(StoreVersions.IDENTITY, policyDirectory::reload);
        changes.onChange(StoreVersions.POLICY, policyDirectory::reload);
        changes.onChange(StoreVersions.PRICING, prices::reload);
        changes.onChange(StoreVersions.BUDGET, budgets::reload);
        GuardrailStore guardrailStore = new GuardrailStore(db, clock);
        guardrailStore.syncFromConfig(config.guardrails().defined());
        Guardrails guardrails = new Guardrails(guardrailStore, detectors);
        GuardrailRef byDefault = config.guardrails().byDefault();
        if (byDefault != null) {
            try {
                guardrails.choose(byDefault);
            } catch (QuarryException e) {
                release();
                throw new ConfigException("default_guardrail: " + e.getMessage(), e);
            }
        }
        changes.onChange(StoreVersions.GUARDRAIL, guardrails::reload);
        this.gateway = Gateway.standard(authenticator, policyDirectory, ledger, prices, catalog, providers, audit, clock,
                rateLimits, principal -> policyDirectory.groupsOf(principal.id()), budgets, Assembly.routing(config, catalog), guardrails,
                byDefault);
        preloadTokenizers(catalog);
        ModelCalls calls = new ModelCalls(gateway, config.server().maxBodyBytes());
        PlatformCalls platformCalls = new PlatformCalls(gateway);
        EscalationGuard escalation = new EscalationGuard(policyDirectory);
        var policyAdmin = new PolicyAdminRoutes(platformCalls, new PolicyAdmin(policies, policyDirectory, escalation, identities));
        var identityAdmin = new IdentityAdminRoutes(platformCalls, new IdentityAdmin(identities, escalation, authenticator::remember, () -> {
            authenticator.forget();
            policyDirectory.reload();
        }, clock), clock);
        var costAdmin = new CostAdminRoutes(platformCalls, new CostAdmin(priceStore, prices, new CommitmentStore(db, clock), new UsageReport(db)));
        var budgetAdmin = new BudgetAdminRoutes(platformCalls, new BudgetAdmin(budgetStore, budgets));
        var guardrailRoutes = new GuardrailRoutes(platformCalls, guardrailStore, guardrails, audit, clock);
        var cliRoutes = List.of(new AuditAdminRoutes(platformCalls, new AuditQueries(db)), new CatalogAdminRoutes(platformCalls, catalog),
                new WhatIfAdminRoutes(platformCalls, new UsageReport(db), prices, catalog));
        AgentStore agentStore = new AgentStore(db);
        SessionStore sessionStore = new SessionStore(db);
        TurnStore turnStore = new TurnStore(db);
        EventHub hub = new EventHub(turnStore);
        VaultStore vaultStore = new VaultStore(db);
        Vaults vaults = new Vaults(vaultStore, secrets(masterKey), clock);
        RuntimeSettings runtimeSettings = runtimeSettings(config);
        SessionExecutors executors = new SessionExecutors(runtimeSettings.environments(), secrets(masterKey));
        this.agents = new AgentRuntime(turnStore, sessionStore, gateway, catalog, hub, new McpClients(mcpSettings(config.agents())), secrets(masterKey),
                new VaultKeys(vaultStore, secrets(masterKey)), executors, runtimeSettings, clock);
        AgentSessions agentSessions = new AgentSessions(sessionStore, agentStore, turnStore, secrets(masterKey), vaults,
                new EnvironmentRules(runtimeSettings.environments()::executorHostAllowed, executors.localUnavailable()), clock);
        // The routes that serve callers' own things rather than administration: feedback, experiment reports, managed agents.
        var callerRoutes = List.of(new FeedbackRoutes(platformCalls, new AnswerFeedback(db, clock)),
                new ExperimentAdminRoutes(platformCalls, new ExperimentReport(db)),
                new AgentRoutes(platformCalls, agentSessions, new RoleSessions(agentSessions, identities),
                        new SessionInputs(turnStore, hub, agents, clock), new SavedAgents(agentStore, clock), turnStore, hub, catalog,
                        () -> publicUrl() + "/v1"),
                new VaultRoutes(platformCalls, vaults));
        DialOutStore dialOutStore = new DialOutStore(db);
        var dialOuts = new DialOutRoutes(new DialOutGate(dialOutStore, secrets(masterKey)), dialOutStore, executors.dialIns(),
                new DialOutRoutes.Node(runtimeSettings.node(), agents::boot, runtimeSettings.lease()), audit, connections::hold,
                this::publicUrl, clock);
        this.listener = new ListenerSupervisor(config.server().host());
        startServer(config, calls, platformCalls, catalog, clock, Stream.concat(Stream.of(policyAdmin, identityAdmin, costAdmin, budgetAdmin,
                guardrailRoutes), cliRoutes.stream()).toList(), callerRoutes, dialOuts);
        agents.start();
        LOG.info(() -> "Quarry listening on " + url()
                + " pipeline=" + gateway.steps() + " platform=" + gateway.platformSteps() + " store=" + (config.storeUrl() == null ? "sqlite:" + config.dataDir() : "configured"));
    }

    private static RuntimeSettings runtimeSettings(QuarryConfig config) {
        AgentsSettings a = config.agents();
        AgentsSettings.Environments e = a.environments();
        return new RuntimeSettings(a.node() != null ? a.node() : nodeName(config), a.lease(), a.maxRunningTurns(), a.maxModelCallsPerTurn(),
                a.maxToolCallsPerTurn(), a.turnTimeout(), a.loopRepeats(), new EnvironmentSettings(e.executorHosts(), e.connectWait(),
                e.maxCommandSeconds(), e.maxOutputBytes(), e.maxCommandsPerSession(), e.maxCommandSecondsPerSession(), e.allowUnconfinedLocal(),
                config.dataDir(),
                e.approvalExpiry()));
    }

    private static McpSettings mcpSettings(AgentsSettings a) {
        return new McpSettings(a.mcpConnectTimeout(), a.mcpCallTimeout(), a.mcpInsecureHosts(), a.mcpPrivateHosts(),
                McpSettings.DEFAULTS.maxResultChars());
    }

    /**
     * The name this node takes agent turns' leases under: the host and the data folder, so a
     * restart of the same installation takes its own turns back at once, while two processes with
     * their own folders on one database never take each other's.
     */
    private static String nodeName(QuarryConfig config) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String folder = Integer.toHexString(config.dataDir().toAbsolutePath().normalize().toString().hashCode());
        String name = host + "-" + folder;
        return name.length() > 64 ? name.substring(name.length() - 64) : name;
    }

    /** The master key, as the box agent sessions keep their MCP servers' secrets in. */
    private static SecretBox secrets(MasterKey key) {
        return new SecretBox() {
            @Override
            public String seal(String plain, String context) {
                return key.sealText(plain, context);
            }

            @Override
            public String open(String sealed, String context) {
                return key.openText(sealed, context);
            }
        };
    }

    /**
     * Loads the encodings the served models use (o200k_base takes most of a second and about 30 MB)
     * off the start-up path, so the first request to a GPT model does not wait for it; a request that
     * comes sooner waits on the same load.
     */
    private static void preloadTokenizers(Catalog catalog) {
        List<ModelEntry> served = catalog.models().stream().filter(ModelEntry::available).toList();
        Thread.ofVirtual().name("tokenizer-preload").start(() -> served.forEach(m -> Tokenizers.forModel(m.family(), m.id()).count("")));
    }

    /** The listener, capped and timed out by {@link #connections}, restarted by {@link #listener} if Helidon closes it. */
    private void startServer(QuarryConfig config, ModelCalls calls, PlatformCalls platform, Catalog catalog, Clock clock,
                             List<HttpService> admin, List<HttpService> callerRoutes, DialOutRoutes dialOuts) {
        try {
            HealthRoutes health = new HealthRoutes(db, draining, connections, listener, audit);
            connections.watch();
            listener.start(config.server().port(), port -> WebServer.builder()
                    // Quarry's close() drains before the listener stops: Helidon's own hook would stop it at once.
                    .shutdownHook(false)
                    .host(config.server().host())
                    .port(port)
                    .maxTcpConnections(connections.acceptLimit())
                    .maxPayloadSize(HttpIo.bufferCeiling(config.server().maxBodyBytes()))
                    .directHandlers(DirectHandlers.builder().addHandler(DirectHandler.EventType.INTERNAL_ERROR, new UnparsableRequests()).build())
                    .connectionOptions(new AdmittingSocketOptions(connections))
                    .routing(routing -> routing
                        // First, so that the filters after it can end a connection (ConnectionClose.after).
                        .addFilter(new ConnectionClose())
                        .addFilter(connections)
                        .addFilter(draining)
                        .error(Throwable.class, new UnhandledErrors())
                        .register(new AnthropicRoutes(calls, platform, catalog, clock, config.server().maxBodyBytes()))
                        .register(new OpenAiRoutes(calls, platform, catalog, clock))
                        .register(new BedrockRoutes(calls, platform, catalog, config.server().maxBodyBytes()))
                        .register(health)
                        .register(admin.toArray(HttpService[]::new))
                        .register(callerRoutes.toArray(HttpService[]::new))
                        .register(dialOuts))
                    .addRouting(dialOuts.sockets())
                    .addProtocol(DialOutRoutes.protocol())
                    .build()
                    .start());
        } catch (RuntimeException e) {
            // A port in use must not leave the store open behind a half-started server.
            connections.close();
            release();
            throw e;
        }
    }

    /** Refuses, before anything is opened, a config guardrail whose detectors cannot be built (an unsafe regex, an unknown PII type). */
    private static void compileConfigGuardrails(QuarryConfig config, Detectors detectors) {
        int i = 0;
        for (var entry : config.guardrails().defined().entrySet()) {
            try {
                Guard.compile(new GuardrailRef(entry.getKey(), GuardrailRef.DRAFT, false), entry.getValue(), detectors);
            } catch (QuarryException e) {
                String field = e.error().param() == null ? "" : "." + e.error().param();
                throw new ConfigException("guardrails[" + i + "]" + field + " (guardrail '" + entry.getKey() + "'): " + e.getMessage(), e);
            }
            i++;
        }
    }

    /**
     * {@code QUARRY_ADMIN_KEY} is also the CLI's credential: set to a user's key for a command and
     * left set for {@code serve}, it would make that user's key the admin's. Refused, before anything
     * listens, with the store closed again.
     */
    private void refuseAnotherPrincipalsKeyAsAdmin(Principal adminPrincipal) {
        identities.keys().ownerOf(admin.apiKey()).filter(owner -> !owner.id().equals(adminPrincipal.id())).ifPresent(owner -> {
            db.close();
            throw new IllegalArgumentException(BootstrapAdmin.ENV + " holds the API key of principal '" + owner.name()
                    + "'; the admin key must be a key of its own (unset it to use " + config.dataDir().resolve("admin.key")
                    + ", or set a new one: openssl rand -hex 32).");
        });
    }

    /** Starts Quarry; the environment supplies provider keys and {@code QUARRY_ADMIN_KEY}. */
    public static Quarry start(QuarryConfig config, Function<String, String> env) {
        return new Quarry(config, env);
    }

    /** Where executors dialing out reach this node: {@code agents.environments.public_url}, else {@link #url}. */
    private String publicUrl() {
        String configured = config.agents().environments().publicUrl();
        return configured != null ? configured : url();
    }

    public int port() {
        return listener.port();
    }

    /** Where clients reach it: {@code http://host:port}, an IPv6 address in brackets ({@code http://[::1]:8080}). */
    public String url() {
        String host = config.server().host();
        return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + listener.port();
    }

    public BootstrapAdmin admin() {
        return admin;
    }

    public IdentityStore identities() {
        return identities;
    }

    public UsageQueries usage() {
        return new UsageQueries(db);
    }

    /**
     * The pipeline every model call runs through: what Quarry's own managed-agent harness calls in
     * process, with a {@link dev.quarry.identity.Credential.Harness} and an {@link dev.quarry.gateway.Origin}.
     */
    public Gateway gateway() {
        return gateway;
    }

    public QuarryConfig config() {
        return config;
    }

    /**
     * Graceful shutdown: {@code /readyz} fails and new requests get 503 with Retry-After at once,
     * open requests and streams get the configured grace period to finish, then the server stops
     * and the ledger and the audit trail write what they hold. Safe to call more than once.
     */
    @Override
    public void close() {
        shutDown(Duration.ZERO);
    }

    /**
     * {@link #close} for a node behind a load balancer: the listener also stays open, answering
     * 503, until no request has arrived for {@link Draining#QUIET} (within the grace period), so
     * traffic sent before the balancer saw {@code /readyz} fail is turned away, not refused.
     */
    public void closeWhenQuiet() {
        shutDown(Draining.QUIET);
    }

    private void shutDown(Duration quiet) {
        if (!closed.compareAndSet(false, true)) return;
        Duration grace = config.server().shutdownGrace();
        int open = draining.begin();
        agents.closeStreams();
        LOG.info(() -> "draining for up to " + grace.toSeconds() + " s: /readyz answers 503 and new requests get 503 with "
                + "Retry-After; " + Draining.Drained.openRequests(open));
        Draining.Drained drained = drain(open, grace, quiet);
        if (!drained.complete()) {
            // Cut them as a hanging-up client would: stopping the listener would interrupt their threads mid-settlement.
            connections.closeAll();
            settleCutRequests();
        }
        listener.close();
        connections.close();
        int ledgerRows = ledger.queued();
        int auditEvents = audit.queued();
        release();
        String summary = drained.summary();
        LOG.info(() -> summary + "; wrote the " + ledgerRows + " ledger rows and " + auditEvents + " audit events still queued; stopped");
    }

    private Draining.Drained drain(int open, Duration grace, Duration quiet) {
        Draining.Drained drained;
        try {
            drained = draining.await(open, grace, quiet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = new Draining.Drained(open, 0, 0, Duration.ZERO);
        }
        if (!drained.complete()) {
            int cut = drained.open() - drained.finished();
            LOG.warning(() -> Draining.Drained.openRequests(cut) + " left after the " + grace.toSeconds() + " s grace period "
                    + "(server.shutdown_grace_seconds); stopping anyway");
        }
        return drained;
    }

    /** Requests whose connections were cut still record their usage and audit events: the ledger waits for them, a little. */
    private void settleCutRequests() {
        try {
            if (draining.awaitCutRequests(CUT_REQUESTS_SETTLE)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warning(() -> "requests whose connections were cut had not ended " + CUT_REQUESTS_SETTLE.toSeconds() + " s later; "
                + "their usage may go unrecorded");
    }

    /** Stops the background work and flushes what it holds (ledger, audit trail, key use), then closes the store. */
    private void release() {
        if (agents != null) agents.close(); // null when start-up failed before the runtime was made
        changes.close();
        rateLimits.close();
        ledger.close();
        audit.close();
        keyUsage.close();
        db.close();
    }
}
