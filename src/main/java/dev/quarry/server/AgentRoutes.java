package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.Subscription;
import dev.quarry.agents.service.SessionInputs;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.agents.service.AgentSessions;
import dev.quarry.agents.service.ModelGate;
import dev.quarry.agents.service.SavedAgents;
import dev.quarry.aws.SignableRequest;
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
import dev.quarry.surface.agents.SessionEventsCodec;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.function.Function;

/**
 * The Agents API on OpenAI's tree ({@code /v1/agents…}, beta {@code agents=v1}; the
 * {@code OpenAI-Beta} header is accepted, not required): sessions and saved agents. Each call is a
 * platform call authorized by policy on {@code agent-session/…} or {@code agent/…}, and answers
 * only its owner: a session or saved agent of someone else is a 404, as one that does not exist.
 * Authenticated with a Quarry key (Bearer or {@code x-api-key}); errors in OpenAI's shape. Turns,
 * items, events and streams are served with the session's own authorization: reading them is
 * {@code quarry:ReadAgentSession}, posting input {@code quarry:SendAgentSessionEvent}.
 */
final class AgentRoutes implements HttpService {
    /** Instructions may be long; a body is still a small document. */
    static final long MAX_BODY = 1024 * 1024;
    static final PlatformCalls.Wire WIRE = new PlatformCalls.Wire("openai.agents", (req, body) -> AnthropicRoutes.credential(req),
            OpenAiErrors::reply, MAX_BODY);
    private static final String SESSIONS = "/v1/agents/sessions";
    private static final String AGENTS = "/v1/agents";

    /** The longest {@code Idempotency-Key} kept. */
    static final int MAX_IDEMPOTENCY_KEY = 255;

    private final PlatformCalls calls;
    private final AgentSessions sessions;
    private final SessionInputs inputs;
    private final SavedAgents agents;
    private final TurnStore turns;
    private final EventHub hub;
    private final Catalog catalog;

    AgentRoutes(PlatformCalls calls, AgentSessions sessions, SessionInputs inputs, SavedAgents agents, TurnStore turns, EventHub hub, Catalog catalog) {
        this.calls = calls;
        this.sessions = sessions;
        this.inputs = inputs;
        this.agents = agents;
        this.turns = turns;
        this.hub = hub;
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
                .post(SESSIONS + "/{id}/events", this::postEvents)
                .get(SESSIONS + "/{id}/events", this::followEvents)
                .get(SESSIONS + "/{id}/items", this::listItems)
                .get(SESSIONS + "/{id}/turns", this::listTurns)
                .get(SESSIONS + "/{id}/turns/{turn}", this::getTurn)
                .get(SESSIONS + "/{id}/turns/{turn}/items", this::listTurnItems)
                .any(SESSIONS, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(SESSIONS + "/{id}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE))
                .any(SESSIONS + "/{id}/events", MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(SESSIONS + "/{id}/items", MethodNotAllowed.allowing(Method.GET))
                .any(SESSIONS + "/{id}/turns", MethodNotAllowed.allowing(Method.GET))
                .any(SESSIONS + "/{id}/turns/{turn}", MethodNotAllowed.allowing(Method.GET))
                .any(SESSIONS + "/{id}/turns/{turn}/items", MethodNotAllowed.allowing(Method.GET))
                .post(AGENTS, this::createAgent)
                .get(AGENTS, this::listAgents)
                .get(AGENTS + "/{id}", this::getAgent)
                .post(AGENTS + "/{id}", this::updateAgent)
                .delete(AGENTS + "/{id}", this::deleteAgent)
                .any(AGENTS, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(AGENTS + "/{id}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE));
    }

    private void createSession(ServerRequest req, ServerResponse res) {
        calls.serveStream(req, res, WIRE, Actions.CREATE_AGENT_SESSION, "agent-session/*", call -> {
            ObjectNode body = call.body().get();
            boolean streamed = AgentsCodec.streamed(body);
            SessionDraft draft = AgentsCodec.sessionCreate(body);
            if (draft.input() != null) call.alsoMay(Actions.SEND_AGENT_SESSION_EVENT, "agent-session/*");
            Session session = sessions.create(call, draft, WIRE.surface(), gate(call));
            if (!streamed) {
                inputs.begin(session, draft.input(), sender(req, call));
                return sent -> ModelCalls.reply(sent, json(AgentsCodec.session(sessions.view(session))));
            }
            // Followed before anything is committed, so the stream starts at agent.session.created.
            Subscription subscription = hub.subscribe(session.id(), -1);
            inputs.begin(session, draft.input(), sender(req, call));
            return sent -> AgentEventStreams.send(sent, subscription, renderer(session),
                    draft.input() == null ? event -> event.type().equals("agent.session.created") : AgentRoutes::turnSettled);
        });
    }

    /** The session state event that follows a turn's end, or its wait for function results: where a creation's stream ends. */
    private static boolean turnSettled(SessionEvent event) {
        return event.payload() instanceof EventPayload.SessionState state && event.type().startsWith("agent.session.")
                && !event.type().equals("agent.session.created") && !state.status().equals(Session.IN_PROGRESS);
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/*", call -> {
            ListQuery query = listQuery(req, true);
            return json(AgentsCodec.page(sessions.list(call, query, s -> call.mayOn("agent-session/" + s.id())),
                    s -> AgentsCodec.session(sessions.view(s)), Session::id));
        });
    }

    private void getSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.session(sessions.view(sessions.get(call, id)))));
    }

    private void updateSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.UPDATE_AGENT_SESSION, "agent-session/" + id, call -> {
            var change = AgentsCodec.sessionUpdate(call.body().get());
            return json(AgentsCodec.session(sessions.view(sessions.update(call, id, change, gate(call)))));
        });
    }

    private void deleteSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.DELETE_AGENT_SESSION, "agent-session/" + id, call -> {
            sessions.delete(call, id);
            return json(AgentsCodec.deleted(id, "agent.session.deleted"));
        });
    }

    /** Input events: 202 with no body once committed; the turn they start or steer runs on. */
    private void postEvents(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.SEND_AGENT_SESSION_EVENT, "agent-session/" + id, call -> {
            String key = HttpIo.header(req, "Idempotency-Key");
            if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY)) {
                throw QuarryException.invalid("Idempotency-Key", "'Idempotency-Key' must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters.");
            }
            byte[] raw = Json.bytes(call.body().get());
            var posted = SessionEventsCodec.inputs(call.body().get());
            Session session = sessions.get(call, id);
            inputs.post(session, posted, sender(req, call), key, SignableRequest.sha256Hex(raw));
            return new WireReply(202, "application/json", new byte[0], Map.of());
        });
    }

    /**
     * The live stream of a session's events. With {@code Last-Event-ID} (a Quarry extension) it
     * first replays the committed events after that one, so a reconnecting client misses none.
     */
    private void followEvents(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serveStream(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id, call -> {
            Session session = sessions.get(call, id);
            long after = resumeAfter(HttpIo.header(req, "Last-Event-ID"), session);
            Subscription subscription = hub.subscribe(session.id(), after);
            return sent -> AgentEventStreams.send(sent, subscription, renderer(session), event -> false);
        });
    }

    private long resumeAfter(String lastEventId, Session session) {
        if (lastEventId == null) return turns.lastSeq(session.id());
        String prefix = "evt_" + Ids.ulid(session.id()) + "_";
        if (!lastEventId.startsWith(prefix)) {
            throw QuarryException.invalid("Last-Event-ID", "'Last-Event-ID' must be an event id of this session's stream.");
        }
        String rest = lastEventId.substring(prefix.length());
        int dot = rest.indexOf('.');
        try {
            // A live delta's id names the committed event it followed: resuming there replays nothing twice.
            long seq = Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
            if (seq < 0) throw new NumberFormatException();
            return seq;
        } catch (NumberFormatException e) {
            throw QuarryException.invalid("Last-Event-ID", "'Last-Event-ID' must be an event id of this session's stream.");
        }
    }

    private void listItems(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.page(sessions.items(call, id, null, listQuery(req, false)), SessionEventsCodec::item, Item::id)));
    }

    private void listTurns(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id, call -> {
            String agentId = agentIdOf(sessions.get(call, id));
            return json(AgentsCodec.page(sessions.turns(call, id, listQuery(req, false)), t -> SessionEventsCodec.turn(t, agentId), Turn::id));
        });
    }

    private void getTurn(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String turnId = req.path().pathParameters().get("turn");
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(SessionEventsCodec.turn(sessions.turn(call, id, turnId), agentIdOf(sessions.get(call, id)))));
    }

    private void listTurnItems(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String turnId = req.path().pathParameters().get("turn");
        calls.serve(req, res, WIRE, Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.page(sessions.items(call, id, turnId, listQuery(req, false)), SessionEventsCodec::item, Item::id)));
    }

    /** How this session's events are written: an {@code agent.session.*} event shows the session in the state it reports. */
    private Function<SessionEvent, ObjectNode> renderer(Session session) {
        String agentId = agentIdOf(session);
        return event -> SessionEventsCodec.event(event, state -> AgentsCodec.session(sessions.view(session.withStatus(state.status(), state.error()))),
                agentId);
    }

    private static String agentIdOf(Session session) {
        return AgentsCodec.agentId(session);
    }

    private static SessionInputs.Sender sender(ServerRequest req, PlatformContext call) {
        return new SessionInputs.Sender(call.caller().id(), HttpIo.clientAddress(req), HttpIo.userAgent(req));
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
