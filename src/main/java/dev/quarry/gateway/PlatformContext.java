package dev.quarry.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.identity.Acting;
import dev.quarry.identity.Principal;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a platform call's handler may use: who is calling, the JSON body (parsed on demand), the
 * request id, and for a call on something named in its body, that name as authorized
 * ({@code null} otherwise). A handler acts on {@code name}, never on the body's field again, so it
 * cannot act on anything but what policy was asked about.
 */
public record PlatformContext(Principal caller, Supplier<ObjectNode> body, String requestId, String name, Grant grant) implements Acting {

    /** The caller's condition keys, as the call was authorized with. */
    @Override
    public Map<String, List<String>> conditions() {
        return grant.conditions();
    }

    /**
     * Authorizes the call's action on another resource it acts on as well: the principal or
     * group a policy is attached to, the member added to a group, the owner of a key. A Deny on
     * any of them refuses the call (403 naming it, audited with that resource).
     *
     * @throws dev.quarry.canonical.QuarryException of kind PERMISSION_DENIED
     */
    @Override
    public void alsoOn(String resource) {
        grant.require(resource);
    }

    /**
     * Authorizes a further action the call needs on another resource, with the same keys: a
     * session created from a saved agent needs {@code quarry:ReadAgent} on it. A Deny refuses the
     * call (403 naming the action, resource and statement; audited with that resource).
     */
    @Override
    public void alsoMay(String action, String resource) {
        grant.require(action, resource);
    }

    /**
     * Whether the call's own action is allowed on {@code resource}, with the same keys: a list of
     * sessions or saved agents shows only those the caller could read one by one.
     */
    public boolean mayOn(String resource) {
        return grant.allows(resource);
    }

    /**
     * Whether a model list shows the model: the call's own action is allowed on {@code model/ID}
     * (so a Deny of {@code quarry:ListModels} on one model hides it from the list as it refuses
     * {@code /v1/models/ID}), and the caller may invoke it on at least one of its deployments.
     */
    public boolean mayList(ModelEntry model) {
        return grant.allows("model/" + model.id()) && grant.mayInvoke(model);
    }

    /**
     * Whether the caller could make a model call on {@code model} (its kind's action on one of its
     * deployments, with this call's condition keys): what an agent session checks when its model is set.
     */
    public boolean mayInvoke(ModelEntry model) {
        return grant.mayInvoke(model);
    }

    /** {@link #mayInvoke}, for calls another principal will make (a role an agent session runs as), with this call's condition keys. */
    public boolean mayInvokeAs(String principalId, ModelEntry model) {
        return grant.mayInvoke(principalId, model);
    }
}
