package dev.quarry.cli;

import static dev.quarry.cli.AgentSessionsCommand.sessionPath;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quarry agents sessions approve|deny}: decides a call an agent holds for a person's
 * approval (a {@code quarry_approval} required action), as the key's principal, who must be allowed
 * {@code quarry:ApproveAgentAction} on the session.
 */
abstract sealed class ApprovalDecision implements Callable<Integer> permits ApprovalDecision.Approve, ApprovalDecision.Deny {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "SESSION_ID", description = "The session's id (sess_…).")
    String sessionId;

    @Parameters(index = "1", paramLabel = "APPROVAL_ID", description = "The approval's id (apr_…), from 'quarry agents sessions show'.")
    String approvalId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: the agent's model reads it with a denial.")
    String reason;

    abstract String decision();

    @Override
    public Integer call() {
        ObjectNode body = AdminApi.JSON.createObjectNode();
        ObjectNode event = body.putArray("events").addObject().put("type", "agent.session.input.quarry_approval_result")
                .put("approval_id", approvalId).put("decision", decision());
        if (reason != null) event.put("reason", reason);
        connection.api().post(sessionPath(sessionId) + "/events", body);
        System.out.println(Terminal.line((decision().equals("approve") ? "approved " : "denied ") + approvalId + " in " + sessionId));
        return 0;
    }

    @Command(name = "approve", description = "Approve a call the agent holds for approval: it runs once.")
    static final class Approve extends ApprovalDecision {
        String decision() {
            return "approve";
        }
    }

    @Command(name = "deny", description = "Deny a call the agent holds for approval: its model reads the denial.")
    static final class Deny extends ApprovalDecision {
        String decision() {
            return "deny";
        }
    }
}
