package dev.quarry.agents.service;

import dev.quarry.agents.model.RoleArn;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.policy.Actions;

/**
 * Sessions that run as a role, as Amazon Bedrock's tree creates them from a {@code role_arn}. As
 * {@code iam:PassRole} does, passing the role asks two things: policy must allow the caller
 * {@code quarry:AssumeRole} on {@code role/NAME} (403), and the role's trust must name the caller
 * (403), as assuming it would; a role that does not exist is a bad {@code role_arn} (400), asked
 * only of a caller policy lets pass it. The session is the role's, acting for the caller (for the
 * principal behind it, when the caller is itself a role session), so its turns' model calls are
 * authorized as the role and accounted and audited for both.
 */
public final class RoleSessions {
    private final AgentSessions sessions;
    private final IdentityStore identities;

    public RoleSessions(AgentSessions sessions, IdentityStore identities) {
        this.sessions = sessions;
        this.identities = identities;
    }

    public Session create(Acting caller, RoleArn role, SessionDraft draft, String surface, ModelGate models) {
        caller.alsoMay(Actions.ASSUME_ROLE, "role/" + role.name());
        if (identities.principal(role.name()).filter(p -> p.kind() == PrincipalKind.ROLE).isEmpty()) {
            throw QuarryException.invalid("role_arn", "'role_arn' names role '" + role.name() + "', which does not exist.");
        }
        Principal assumed = identities.roles().trusting(role.name(), caller.caller());
        Principal assumer = caller.caller().onBehalfOf() != null ? caller.caller().onBehalfOf() : caller.caller();
        return sessions.create(caller, new AgentSessions.RunAs(assumed.id(), assumer.id(), role.arn()), draft, surface, models).session();
    }
}
