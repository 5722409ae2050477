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

    /** Whether the caller may invoke the model on at least one of its deployments: what a model list shows. */
    public boolean mayInvoke(ModelEntry model) {
        return grant.mayInvoke(model);
    }
}
