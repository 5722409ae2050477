package dev.quarry.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every action Quarry authorizes. A policy may name only these, or patterns that match some of them. */
public final class Actions {
    public static final String INVOKE_MODEL = "quarry:InvokeModel";
    public static final String INVOKE_MODEL_STREAM = "quarry:InvokeModelWithResponseStream";
    public static final String EMBED = "quarry:Embed";
    public static final String COUNT_TOKENS = "quarry:CountTokens";
    public static final String LIST_MODELS = "quarry:ListModels";
    public static final String APPLY_GUARDRAIL = "quarry:ApplyGuardrail";
    public static final String ASSUME_ROLE = "quarry:AssumeRole";
    /** Rating an answer one got, for the experiment reports. */
    public static final String PUT_FEEDBACK = "quarry:PutFeedback";

    /** Managed agents' sessions, on {@code agent-session/*} (create, list) or {@code agent-session/ID}. */
    public static final String CREATE_AGENT_SESSION = "quarry:CreateAgentSession";
    public static final String READ_AGENT_SESSION = "quarry:ReadAgentSession";
    public static final String UPDATE_AGENT_SESSION = "quarry:UpdateAgentSession";
    public static final String DELETE_AGENT_SESSION = "quarry:DeleteAgentSession";
    /** Posting input to a session: a message, a cancel, a function's result. */
    public static final String SEND_AGENT_SESSION_EVENT = "quarry:SendAgentSessionEvent";
    /** A session's call of a tool on an MCP server, on {@code mcp/<server_label>/<tool>}. */
    public static final String CALL_MCP_TOOL = "quarry:CallMcpTool";
    /** A session's use of its environment, on {@code agent-environment/<environment id>}: a command, a file read, a file write. */
    public static final String RUN_AGENT_COMMAND = "quarry:RunAgentCommand";
    public static final String READ_AGENT_FILE = "quarry:ReadAgentFile";
    public static final String WRITE_AGENT_FILE = "quarry:WriteAgentFile";
    /**
     * An executor dialing out to Quarry connecting to {@code agent-environment/<environment id>}: its
     * environment's own credential grants it, no policy; only its refusal for another environment is audited.
     */
    public static final String CONNECT_AGENT_ENVIRONMENT = "quarry:ConnectAgentEnvironment";
    /** Approving or denying a call that waits for a person, on {@code agent-session/ID}. */
    public static final String APPROVE_AGENT_ACTION = "quarry:ApproveAgentAction";
    /** Saved agents, on {@code agent/*} (create, list) or {@code agent/ID}. */
    public static final String CREATE_AGENT = "quarry:CreateAgent";
    public static final String READ_AGENT = "quarry:ReadAgent";
    public static final String UPDATE_AGENT = "quarry:UpdateAgent";
    public static final String DELETE_AGENT = "quarry:DeleteAgent";
    /**
     * Vaults, on {@code vault/*} (create, list) or {@code vault/ID}; renaming a vault is
     * {@code CreateVault} on {@code vault/ID}, and adding, rotating and deleting its credentials
     * {@code WriteVaultCredential} on it.
     */
    public static final String CREATE_VAULT = "quarry:CreateVault";
    public static final String READ_VAULT = "quarry:ReadVault";
    public static final String DELETE_VAULT = "quarry:DeleteVault";
    public static final String WRITE_VAULT_CREDENTIAL = "quarry:WriteVaultCredential";
    /** A session's use of a vault's credential for an MCP server, on {@code vault/ID/credential/CID}, as the session's principal. */
    public static final String USE_VAULT_CREDENTIAL = "quarry:UseVaultCredential";

    /** What managed agents' API authorizes: a caller's own sessions, saved agents and vaults, not administration. */
    public static final List<String> AGENTS = List.of(CREATE_AGENT_SESSION, READ_AGENT_SESSION, UPDATE_AGENT_SESSION, DELETE_AGENT_SESSION,
            SEND_AGENT_SESSION_EVENT, CALL_MCP_TOOL, RUN_AGENT_COMMAND, READ_AGENT_FILE, WRITE_AGENT_FILE, APPROVE_AGENT_ACTION, CREATE_AGENT,
            READ_AGENT, UPDATE_AGENT, DELETE_AGENT, CREATE_VAULT, READ_VAULT, DELETE_VAULT, WRITE_VAULT_CREDENTIAL, USE_VAULT_CREDENTIAL);

    /** Administrative actions; a principal allowed these can change who may do what. */
    public static final List<String> ADMIN = List.of(
            "quarry:CreatePrincipal", "quarry:DeletePrincipal", "quarry:GetPrincipal", "quarry:ListPrincipals",
            "quarry:TagPrincipal", "quarry:CreateGroup", "quarry:DeleteGroup", "quarry:GetGroup", "quarry:ListGroups",
            "quarry:AddToGroup", "quarry:RemoveFromGroup", "quarry:CreateRole", "quarry:DeleteRole", "quarry:CreateKey",
            "quarry:DeleteKey", "quarry:DisableKey", "quarry:EnableKey", "quarry:ListKeys", "quarry:PutPolicy", "quarry:DeletePolicy",
            "quarry:GetPolicy", "quarry:ListPolicies",
            "quarry:AttachPolicy", "quarry:DetachPolicy", "quarry:PutPermissionBoundary", "quarry:SimulatePolicy",
            "quarry:ReadAudit", "quarry:ReadCatalog",
            "quarry:GetPrices", "quarry:PutPrices", "quarry:ReadUsage", "quarry:ReadExperiments", "quarry:CreateCommitment",
            "quarry:ListCommitments",
            "quarry:PutBudget", "quarry:DeleteBudget", "quarry:ReadBudget",
            "quarry:CreateGuardrail", "quarry:UpdateGuardrail", "quarry:CreateGuardrailVersion", "quarry:DeleteGuardrail",
            "quarry:GetGuardrail", "quarry:ListGuardrails");

    public static final List<String> ALL = concat(concat(List.of(INVOKE_MODEL, INVOKE_MODEL_STREAM, EMBED, COUNT_TOKENS, LIST_MODELS,
            APPLY_GUARDRAIL, ASSUME_ROLE, PUT_FEEDBACK), AGENTS), ADMIN);

    private static final Set<String> LOWER = ALL.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());

    private Actions() {}

    public static boolean isKnown(String action) {
        return LOWER.contains(action.toLowerCase(Locale.ROOT));
    }

    /** Whether an action pattern (case-insensitive, wildcards allowed) names at least one known action. */
    public static boolean matchesAny(String pattern) {
        return ALL.stream().anyMatch(a -> Wildcard.matches(pattern, a, true));
    }

    /** Whether the pattern grants an administrative action. */
    public static boolean coversAdmin(String pattern) {
        return ADMIN.stream().anyMatch(a -> Wildcard.matches(pattern, a, true));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
