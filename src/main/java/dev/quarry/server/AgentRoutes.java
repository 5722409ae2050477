package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.service.AgentSessions;
import dev.quarry.agents.service.ModelGate;
import dev.quarry.agents.service.SavedAgents;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.gateway.PlatformContext;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.agents.AgentsCodec;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The Agents API on OpenAI's tree ({@code /v1/agents…}, beta {@code agents=v1}; the
 * {@code OpenAI-Beta} header is accepted, not required): sessions and saved agents. Each call is a
 * platform call authorized by policy on {@code agent-session/…} or {@code agent/…}, and answers
 * only its owner: a session or saved agent of someone else is a 404, as one that does not exist.
 * Authenticated with a Quarry key (Bearer or {@code x-api-key}); errors in OpenAI's shape. Turns,
 * items, events and streams are not served yet (the unknown-route 404).
 */
final class AgentRoutes implements HttpService {
    /** Instructions may be long; a body is still a small document. */
    static final long MAX_BODY = 1024 * 1024;
    static final PlatformCalls.Wire WIRE = new PlatformCalls.Wire("openai.agents", (req, body) -> AnthropicRoutes.credential(req),
            OpenAiErrors::reply, MAX_BODY);
    private static final String SESSIONS = "/v1/agents/sessions";
    private static final String AGENTS = "/v1/agents";

    private final PlatformCalls calls;
    private final AgentSessions sessions;
    private final SavedAgents agents;
    private final Catalog catalog;

    AgentRoutes(PlatformCalls calls, AgentSessions sessions, SavedAgents agents, Catalog catalog) {
        this.calls = calls;
        this.sessions = sessions;
        this.agents = agents;
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        // Sessions first: /v1/agents/{id} would otherwise take /v1/agents/sessions.
        rules.post(SESSIONS, this::createSession)
                .get(SESSIONS, this::listSessions)
                .get(SESSIONS + "/{id}", this::getSession)
                .post(SESSIONS + "/{id}", this::updateSession)
                .delete(SESSIONS + "/{id}", this::deleteSession)
                .any(SESSIONS, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(SESSIONS + "/{id}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE))
                .post(AGENTS, this::createAgent)
                .get(AGENTS, this::listAgents)
                .get(AGENTS + "/{id}", this::getAgent)
                .post(AGENTS + "/{id}", this::updateAgent)
                .delete(AGENTS + "/{id}", this::deleteAgent)
                .any(AGENTS, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(AGENTS + "/{id}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE));
    }

    private void createSession(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.CREATE_AGENT_SESSION, "agent-session/*", call -> {
            Session session = sessions.create(call, AgentsCodec.sessionCreate(call.body().get()), WIRE.surface(), gate(call));
            return json(AgentsCodec.session(session));
        });
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/*", call -> {
            ListQuery query = listQuery(req, true);
            return json(AgentsCodec.page(sessions.list(call, query, s -> call.mayOn("agent-session/" + s.id())), AgentsCodec::session, Session::id));
        });
    }

    private void getSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.session(sessions.get(call, id))));
    }

    private void updateSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.UPDATE_AGENT_SESSION, "agent-session/" + id, call -> {
            var change = AgentsCodec.sessionUpdate(call.body().get());
            return json(AgentsCodec.session(sessions.update(call, id, change, gate(call))));
        });
    }

    private void deleteSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.DELETE_AGENT_SESSION, "agent-session/" + id, call -> {
            sessions.delete(call, id);
            return json(AgentsCodec.deleted(id, "agent.session.deleted"));
        });
    }

    private void createAgent(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.CREATE_AGENT, "agent/*",
                call -> json(AgentsCodec.agent(agents.create(call, AgentsCodec.savedAgent(call.body().get(), true), gate(call)))));
    }

    private void listAgents(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.READ_AGENT, "agent/*", call -> {
            ListQuery query = listQuery(req, false);
            return json(AgentsCodec.page(agents.list(call, query, a -> call.mayOn("agent/" + a.id())), AgentsCodec::agent, SavedAgent::id));
        });
    }

    private void getAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_AGENT, "agent/" + id, call -> json(AgentsCodec.agent(agents.get(call, id))));
    }

    private void updateAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.UPDATE_AGENT, "agent/" + id, call -> {
            var change = AgentsCodec.savedAgent(call.body().get(), false);
            return json(AgentsCodec.agent(agents.update(call, id, change, gate(call))));
        });
    }

    private void deleteAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.DELETE_AGENT, "agent/" + id, call -> {
            agents.delete(call, id);
            return json(AgentsCodec.deleted(id, "agent.deleted"));
        });
    }

    /**
     * A session's model is checked when it is set: it must exist and be a chat model (400), and the
     * caller must be allowed to invoke it on one of its deployments (403).
     */
    private ModelGate gate(PlatformContext call) {
        return (model, param) -> {
            ModelEntry entry = catalog.find(model).orElseThrow(() -> QuarryException.invalid(param,
                    "The model '" + model + "' does not exist in this Quarry's catalog."));
            if (entry.kind() != ModelKind.CHAT) {
                throw QuarryException.invalid(param, "The model '" + model + "' is not a chat model; an agent needs one.");
            }
            if (!call.mayInvoke(entry)) {
                throw new QuarryException(new QuarryError(ErrorKind.PERMISSION_DENIED,
                        "You are not allowed to invoke the model '" + model + "'.", param, null));
            }
        };
    }

    private static ListQuery listQuery(ServerRequest req, boolean sessions) {
        return AgentsCodec.listQuery(name -> req.query().first(name).orElse(null), req.query().names(), sessions);
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static WireReply json(ObjectNode body) {
        return WireReply.json(200, Json.bytes(body));
    }
}
