package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.RoleArn;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session create as Amazon Bedrock's agents endpoint (Bedrock Managed Agents, {@code /openai/v1})
 * takes it: OpenAI's body plus a required {@code role_arn}, without what Bedrock does not serve.
 * {@code agent_id} (no saved agents), {@code vault_ids} and {@code function} tools (Bedrock documents
 * none, so a session there never waits in {@code requires_action}) are refused naming the field.
 * Environments are OpenAI's rule: only {@code {"type": "none"}}, a Quarry extension on this tree.
 */
public final class BedrockAgentsCodec {
    /** An IAM role ARN's account and a Quarry principal name: 31 characters of ARN around a name of at most 128. */
    static final int MAX_ROLE_ARN = 31 + 128;
    private static final Pattern ROLE_ARN = Pattern.compile("(?:arn:aws:iam::[0-9]{12}:)?role/([A-Za-z0-9][A-Za-z0-9._@+=-]{0,127})");
    private static final List<String> NOT_ON_BEDROCK = List.of("agent_id", "vault_ids");

    private BedrockAgentsCodec() {}

    /** A create on Bedrock's tree: the session's draft and the role it runs as. */
    public record Create(SessionDraft draft, RoleArn role) {}

    public static Create sessionCreate(ObjectNode body) {
        for (String field : NOT_ON_BEDROCK) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                throw QuarryException.unsupported(field, "'" + field + "' is not supported by Amazon Bedrock's agents endpoint.");
            }
        }
        RoleArn role = roleArn(body);
        JsonNode environment = body.path("environment");
        if (environment.isObject() && !environment.path("type").asText().equals("none")) {
            throw QuarryException.unsupported("environment.type", "Only environment type 'none' is supported on Amazon Bedrock's agents endpoint; "
                    + "use the OpenAI tree (/v1) for an agent with an environment.");
        }
        ObjectNode openAi = body.deepCopy();
        openAi.remove("role_arn");
        SessionDraft draft = AgentsCodec.sessionCreate(openAi);
        List<AgentTool> tools = draft.agent().tools();
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i) instanceof AgentTool.Function) {
                throw QuarryException.unsupported("agent.tools[" + i + "]", "'function' tools are not supported by Amazon Bedrock's agents "
                        + "endpoint; use 'mcp' tools.");
            }
        }
        return new Create(draft, role);
    }

    /** {@code role_arn}: required, {@code arn:aws:iam::<12 digits>:role/NAME} or {@code role/NAME}. */
    private static RoleArn roleArn(ObjectNode body) {
        String arn = Json.requireText(body, "role_arn", "role_arn");
        Matcher matcher = arn.length() > MAX_ROLE_ARN ? null : ROLE_ARN.matcher(arn);
        if (matcher == null || !matcher.matches()) {
            throw QuarryException.invalid("role_arn", "'role_arn' must be 'arn:aws:iam::<12-digit account>:role/NAME' or 'role/NAME', "
                    + "at most " + MAX_ROLE_ARN + " characters, naming a Quarry role.");
        }
        return new RoleArn(arn, matcher.group(1));
    }
}
