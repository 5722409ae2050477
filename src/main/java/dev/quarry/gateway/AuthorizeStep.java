package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.ConditionKey;
import dev.quarry.policy.Decision;
import dev.quarry.policy.RequestContext;
import dev.quarry.routing.RoutePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides by policy whether the caller may do what it asks, on each model and deployment the
 * request might be routed to: conditions may test the serving provider, its region and the model
 * family, so one principal may use a deployment in {@code eu-west-1} and not its twin in
 * {@code us-east-1} (data residency). The plan keeps only the allowed deployments, so routing can
 * never leave the allowed set, even when falling back. The request is refused when none of the
 * requested model's deployments is allowed; the refusal is returned, not thrown, with the deciding
 * statement on the exchange, so the audit trail records what decided.
 *
 * <p>A platform call is authorized on the one resource it names, with the same condition keys
 * (the caller's, and the region a SigV4 signature was scoped to); its {@link Grant} goes down the
 * pipeline so that its handler authorizes the further resources it acts on the same way.
 */
public final class AuthorizeStep implements Step {
    private final Authorizer authorizer;
    private final RequestContext context;

    public AuthorizeStep(Authorizer authorizer, RequestContext context) {
        this.authorizer = authorizer;
        this.context = context;
    }

    @Override
    public String name() {
        return "authorize";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        Map<String, List<String>> caller = context.caller(exchange.principal(), exchange.credential(), exchange.clientAddress());
        return switch (exchange.call()) {
            case Operation operation -> model(exchange, operation, caller, chain);
            case PlatformCall call -> platform(exchange, call, caller, chain);
        };
    }

    private Outcome platform(Exchange exchange, PlatformCall call, Map<String, List<String>> caller, Chain chain) {
        AccessRequest request = new AccessRequest(call.action(), call.resource(), caller);
        Decision decision = authorizer.decide(exchange.principal().id(), request);
        if (!decision.allowed()) {
            return new Outcome.Rejected(exchange.withDecision(decision.decidedBy()),
                    new QuarryError(ErrorKind.PERMISSION_DENIED, decision.explain(request), null, null));
        }
        Exchange granted = exchange.withGrant(new Grant(authorizer, exchange.principal().id(), call.action(), caller, call.resource(),
                decision.decidedBy()));
        if (call.target() instanceof PlatformCall.Target.Unreadable unreadable) return new Outcome.Rejected(granted, unreadable.problem().error());
        return chain.proceed(granted);
    }

    private Outcome model(Exchange exchange, Operation operation, Map<String, List<String>> caller, Chain chain) {
        RequestedModel requested = new RequestedModel();
        Map<String, String> allowedBy = new HashMap<>();
        RoutePlan allowed = exchange.route().plan().keeping((model, deployment) -> {
            AccessRequest request = request(exchange, operation, caller, model, deployment);
            Decision decision = authorizer.decide(exchange.principal().id(), request);
            if (model == exchange.model()) requested.add(decision, request, deployment);
            if (decision.allowed() && decision.decidedBy() != null) allowedBy.put(RoutePlan.key(model, deployment), decision.decidedBy());
            return decision.allowed();
        });
        if (requested.firstAllowed == null) {
            String why = requested.firstDenied.explain(requested.denied);
            if (requested.deniedDeployments.size() > 1) {
                why += " No deployment of '" + exchange.model().id() + "' is allowed for you (" + String.join(", ", requested.deniedDeployments) + ").";
            }
            return new Outcome.Rejected(exchange.withDecision(requested.firstDenied.decidedBy()),
                    new QuarryError(ErrorKind.PERMISSION_DENIED, why, null, null));
        }
        return chain.proceed(exchange.withDecision(requested.firstAllowed.decidedBy())
                .withRoute(exchange.model(), allowed.requested().deployments().getFirst())
                .withRouting(exchange.route().authorized(allowed, allowedBy)));
    }

    /** The decisions on the requested model's deployments: the first allowing one is audited, the first denial explained. */
    private static final class RequestedModel {
        Decision firstAllowed;
        Decision firstDenied;
        AccessRequest denied;
        final List<String> deniedDeployments = new ArrayList<>();

        void add(Decision decision, AccessRequest request, Deployment deployment) {
            if (decision.allowed()) {
                if (firstAllowed == null) firstAllowed = decision;
                return;
            }
            if (firstDenied == null) {
                firstDenied = decision;
                denied = request;
            }
            deniedDeployments.add(deployment.key() + (deployment.region() == null ? " (no region stated)" : " in " + deployment.region()));
        }
    }

    /**
     * {@code id:version}, and the bare id for the latest published version only: a policy that
     * requires {@code strict} is met neither by its draft, which anyone allowed to edit it can change
     * unreviewed, nor by a version it has since replaced.
     */
    private static List<String> guardrailValues(GuardrailRef ref) {
        return ref.latest() ? List.of(ref.id(), ref.toString()) : List.of(ref.toString());
    }

    private static AccessRequest request(Exchange exchange, Operation operation, Map<String, List<String>> caller, ModelEntry model,
                                         Deployment deployment) {
        Map<String, List<String>> keys = deploymentKeys(caller, model, deployment);
        if (exchange.guardrail() != null) keys.put(ConditionKey.GUARDRAIL_IDENTIFIER.keyName(), guardrailValues(exchange.guardrail()));
        if (operation instanceof Operation.Chat chat && chat.request().config().maxTokens() != null) {
            keys.put(ConditionKey.MAX_TOKENS.keyName(), List.of(chat.request().config().maxTokens().toString()));
        }
        return new AccessRequest(operation.action(), "model/" + model.id(), keys);
    }

    /**
     * {@code action} on one deployment of a model, with the caller's keys and the deployment's
     * (provider, region, family); {@code deployment} is {@code null} for a model none serves yet.
     */
    static AccessRequest deploymentRequest(String action, Map<String, List<String>> caller, ModelEntry model, Deployment deployment) {
        return new AccessRequest(action, "model/" + model.id(), deploymentKeys(caller, model, deployment));
    }

    private static Map<String, List<String>> deploymentKeys(Map<String, List<String>> caller, ModelEntry model, Deployment deployment) {
        Map<String, List<String>> keys = new HashMap<>(caller);
        if (deployment != null) {
            keys.put(ConditionKey.MODEL_PROVIDER.keyName(), List.of(deployment.provider()));
            if (deployment.region() != null) keys.put(ConditionKey.DEPLOYMENT_REGION.keyName(), List.of(deployment.region()));
        }
        if (model.family() != null) keys.put(ConditionKey.MODEL_FAMILY.keyName(), List.of(model.family()));
        return keys;
    }
}
