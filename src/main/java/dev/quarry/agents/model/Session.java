package dev.quarry.agents.model;

import java.util.Map;

/**
 * An agent session.
 *
 * @param ownerId          the principal it belongs to: the caller that created it, or the role when created
 *                         through an assumed role; everyone else is answered as if it did not exist
 * @param onBehalfOf       the assumer when created through a role, else {@code null}
 * @param roleArn          the {@code role_arn} a session created on Amazon Bedrock's tree names its role by, as
 *                         given; {@code null} for one created otherwise
 * @param agentId          the saved agent it was created from, {@code null} for an inline agent
 * @param agentVersion     that saved agent's version, pinned at creation; {@code null} for an inline agent
 * @param spec             the agent the session runs (a snapshot; a session update may change its model)
 * @param status           {@code idle}, {@code in_progress} or {@code requires_action}
 * @param error            why the last turn failed, until the next one starts; {@code null} otherwise
 * @param spendLimitMicros the session's spending cap ({@code spend_control.limit}), {@code null} for none
 * @param environment      where its agent acts ({@link EnvironmentSpec.None} for nowhere)
 */
public record Session(String id, String ownerId, String onBehalfOf, String roleArn, String surface, String agentId, Integer agentVersion,
                      AgentSpec spec, Map<String, String> metadata, String status, TurnError error, long createdAt, long lastActiveAt,
                      Long spendLimitMicros, EnvironmentSpec environment) {
    public static final String IDLE = "idle";
    public static final String IN_PROGRESS = "in_progress";
    public static final String REQUIRES_ACTION = "requires_action";

    public Session {
        metadata = Map.copyOf(metadata);
        if (environment == null) environment = new EnvironmentSpec.None();
    }

    /** This session as it was in state {@code newStatus}: what an {@code agent.session.*} event shows. */
    public Session withStatus(String newStatus, TurnError newError) {
        return new Session(id, ownerId, onBehalfOf, roleArn, surface, agentId, agentVersion, spec, metadata, newStatus, newError, createdAt,
                lastActiveAt, spendLimitMicros, environment);
    }

    public Session withChange(AgentSpec newSpec, Map<String, String> newMetadata, Long newSpendLimit, long now) {
        return new Session(id, ownerId, onBehalfOf, roleArn, surface, agentId, agentVersion, newSpec, newMetadata, status, error, createdAt, now,
                newSpendLimit, environment);
    }
}
