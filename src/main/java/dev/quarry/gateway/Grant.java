package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Actions;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.Decision;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The authorization of one platform call, made by {@link AuthorizeStep} once its first resource
 * is allowed, and asked again by its handler for the further resources it acts on. What the
 * audit records: the resource authorized first, or the one refused, and the statement that
 * decided. It belongs to one request, on one thread.
 */
public final class Grant {
    private final Authorizer authorizer;
    private final String principalId;
    private final String action;
    private final Map<String, List<String>> conditions;
    private String resource;
    private String decidedBy;

    Grant(Authorizer authorizer, String principalId, String action, Map<String, List<String>> conditions, String resource, String decidedBy) {
        this.authorizer = authorizer;
        this.principalId = principalId;
        this.action = action;
        this.conditions = Map.copyOf(conditions);
        this.resource = resource;
        this.decidedBy = decidedBy;
    }

    public Map<String, List<String>> conditions() {
        return conditions;
    }

    /** The resource audited: the one authorized first, or the one refused. */
    public String resource() {
        return resource;
    }

    public String decidedBy() {
        return decidedBy;
    }

    /** @throws QuarryException 403 explaining the decision */
    void require(String on) {
        require(action, on);
    }

    /** Another action the call needs on {@code on} (a session created from a saved agent reads the agent). @throws QuarryException 403 */
    void require(String otherAction, String on) {
        AccessRequest request = new AccessRequest(otherAction, on, conditions);
        Decision decision = authorizer.decide(principalId, request);
        if (!decision.allowed()) {
            resource = on;
            decidedBy = decision.decidedBy();
            throw QuarryException.of(ErrorKind.PERMISSION_DENIED, decision.explain(request));
        }
    }

    /** Whether the call's action is allowed on {@code on} too, asked without refusing the call or changing what is audited. */
    boolean allows(String on) {
        return authorizer.decide(principalId, new AccessRequest(action, on, conditions)).allowed();
    }

    /**
     * Whether a model call on {@code model} could be allowed: its kind's action on one of its
     * deployments, with the condition keys a call would carry (the request's own, such as
     * {@code quarry:MaxTokens}, aside). Decided from the authorizer's memory, so a long list costs
     * no round trips to the store.
     */
    boolean mayInvoke(ModelEntry model) {
        return mayInvoke(principalId, model);
    }

    /** {@link #mayInvoke(ModelEntry)} for calls {@code principal} will make. */
    boolean mayInvoke(String principal, ModelEntry model) {
        List<String> actions = model.kind() == ModelKind.EMBEDDING ? List.of(Actions.EMBED)
                : List.of(Actions.INVOKE_MODEL, Actions.INVOKE_MODEL_STREAM);
        // A model no provider serves yet is listed (as unavailable) to whoever may invoke it once one does.
        List<Deployment> deployments = model.deployments().isEmpty() ? Collections.singletonList(null) : model.deployments();
        for (Deployment deployment : deployments) {
            for (String invoke : actions) {
                if (authorizer.decide(principal, AuthorizeStep.deploymentRequest(invoke, conditions, model, deployment)).allowed()) return true;
            }
        }
        return false;
    }
}
