package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Input;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.Subscription;
import dev.quarry.agents.service.AgentSessions;
import dev.quarry.agents.service.ModelGate;
import dev.quarry.agents.service.RoleSessions;
import dev.quarry.agents.service.SavedAgents;
import dev.quarry.agents.service.SessionInputs;
import dev.quarry.agents.store.TurnStore;
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
import dev.quarry.surface.agents.BedrockAgentsCodec;
import dev.quarry.surface.agents.SessionEventsCodec;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Agents API on OpenAI's tree ({@code /v1/agents…}, beta {@code agents=v1}; the
 * {@code OpenAI-Beta} header is accepted, not required): sessions and saved agents. Each call is a
 * platform call authorized by policy on {@code agent-session/…} or {@code agent/…}, and answers
 * only its owner: a session or saved agent of someone else is a 404, as one that does not exist.
 * Authenticated with a Quarry key (Bearer or {@code x-api-key}); errors in OpenAI's shape. Turns,
 * items, events and streams are served with the session's own authorization: reading them is
 * {@code quarry:ReadAgentSession}, posting input {@code quarry:SendAgentSessionEvent}.
 *
 * <p>The same sessions answer under {@code /openai/v1/agents/sessions…} as Amazon Bedrock's agents
 * endpoint (Bedrock Managed Agents) serves them: signed with SigV4 for {@code bedrock-mantle} or a
 * Quarry key as a bearer token; a create names the role the session runs as ({@code role_arn},
 * {@link RoleSessions}); what Bedrock does not serve (saved agents, session update, turns) is a 404
 * there, and its event stream is asked for with {@code stream=true}. One set of handlers serves both
 * trees, told which by their {@link Tree}.
 */
final class AgentRoutes implements HttpService {
    /** Instructions may be long; a body is still a small document. */
    static final long MAX_BODY = 1024 * 1024;

    /**
     * Where a tree of these routes lives and how its callers present their credentials; a Bedrock
     * tree serves what Amazon Bedrock's agents endpoint does, with its rules (see {@link BedrockAgentsCodec}).
     */
    record Tree(String prefix, PlatformCalls.Wire wire, boolean bedrock) {
        String sessions() {
            return prefix + "/agents/sessions";
        }
    }

    static final Tree OPENAI = new Tree("/v1", new PlatformCalls.Wire("openai.agents", (req, body) -> AnthropicRoutes.credential(req),
            OpenAiErrors::reply, MAX_BODY), false);
    /** Amazon Bedrock's (Bedrock Managed Agents): a SigV4 signature for {@code bedrock-mantle}, or a Quarry key as a bearer token. */
    static final Tree BEDROCK = new Tree("/openai/v1", new PlatformCalls.Wire("mantle.agents",
            (req, body) -> BedrockRoutes.credential(req, body, OpenAiRoutes.MANTLE_SIGNING_NAME), OpenAiErrors::reply, MAX_BODY), true);

    /** The longest {@code Idempotency-Key} kept. */
    static final int MAX_IDEMPOTENCY_KEY = 255;

    private final PlatformCalls calls;
    private final AgentSessions sessions;
    private final SessionInputs inputs;
    private final RoleSessions roleSessions;
    private final SavedAgents agents;
    private final TurnStore turns;
    private final EventHub hub;
    private final Catalog catalog;
    private final Supplier<String> remoteUrl;

    /** @param remoteUrl where executors dialing out reach this Quarry: its public URL and {@code /v1} */
    AgentRoutes(PlatformCalls calls, AgentSessions sessions, RoleSessions roleSessions, SessionInputs inputs, SavedAgents agents, TurnStore turns,
                EventHub hub, Catalog catalog, Supplier<String> remoteUrl) {
        this.calls = calls;
        this.sessions = sessions;
        this.roleSessions = roleSessions;
        this.inputs = inputs;
        this.agents = agents;
        this.turns = turns;
        this.hub = hub;
        this.catalog = catalog;
        this.remoteUrl = remoteUrl;
    }

    @Override
    public void routing(HttpRules rules) {
        for (Tree tree : List.of(OPENAI, BEDROCK)) sessionRoutes(rules, tree);
        String agents = OPENAI.prefix() + "/agents";
        rules.post(agents, this::createAgent)
                .get(agents, this::listAgents)
                .get(agents + "/{id}", this::getAgent)
                .post(agents + "/{id}", this::updateAgent)
                .delete(agents + "/{id}", this::deleteAgent)
                .any(agents, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(agents + "/{id}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE));
        // Bedrock serves no saved agents: 404, as for a path it does not have (after its sessions' routes, which /agents/{id} would take).
        rules.any(BEDROCK.prefix() + "/agents", AgentRoutes::notOnBedrock).any(BEDROCK.prefix() + "/agents/{id}", AgentRoutes::notOnBedrock);
    }

    /** A tree's session routes, registered before its saved agents' (/agents/{id} would otherwise take /agents/sessions). */
    private void sessionRoutes(HttpRules rules, Tree tree) {
        String sessions = tree.sessions();
        rules.post(sessions, (req, res) -> createSession(tree, req, res))
                .get(sessions, (req, res) -> listSessions(tree, req, res))
                .get(sessions + "/{id}", (req, res) -> getSession(tree, req, res))
                .post(sessions + "/{id}", tree.bedrock() ? AgentRoutes::notOnBedrock : this::updateSession)
                .delete(sessions + "/{id}", (req, res) -> deleteSession(tree, req, res))
                .post(sessions + "/{id}/events", (req, res) -> postEvents(tree, req, res))
                .get(sessions + "/{id}/events", (req, res) -> followEvents(tree, req, res))
                .get(sessions + "/{id}/items", (req, res) -> listItems(tree, req, res));
        if (tree.bedrock()) {
            // Bedrock lists session update and the turns API as not served: 404, whatever the method.
            rules.any(sessions + "/{id}/turns", AgentRoutes::notOnBedrock).any(sessions + "/{id}/turns/*", AgentRoutes::notOnBedrock);
        } else {
            rules.get(sessions + "/{id}/turns", this::listTurns)
                    .get(sessions + "/{id}/turns/{turn}", this::getTurn)
                    .get(sessions + "/{id}/turns/{turn}/items", this::listTurnItems)
                    .any(sessions + "/{id}/turns", MethodNotAllowed.allowing(Method.GET))
                    .any(sessions + "/{id}/turns/{turn}", MethodNotAllowed.allowing(Method.GET))
                    .any(sessions + "/{id}/turns/{turn}/items", MethodNotAllowed.allowing(Method.GET));
        }
        rules.any(sessions, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(sessions + "/{id}", tree.bedrock() ? MethodNotAllowed.allowing(Method.GET, Method.DELETE)
                        : MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE))
                .any(sessions + "/{id}/events", MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(sessions + "/{id}/items", MethodNotAllowed.allowing(Method.GET));
    }

    /** What Amazon Bedrock's agents endpoint does not serve (saved agents, session update, turns): 404 in OpenAI's shape. */
    private static void notOnBedrock(ServerRequest req, ServerResponse res) {
        HttpIo.send(res, SurfaceErrors.withStatus(req, 404, req.prologue().method().text() + " " + req.path().path()
                + " is not served by Amazon Bedrock's agents endpoint."));
    }

    private void createSession(Tree tree, ServerRequest req, ServerResponse res) {
        calls.serveStream(req, res, tree.wire(), Actions.CREATE_AGENT_SESSION, "agent-session/*", call -> {
            ObjectNode body = call.body().get();
            boolean streamed = AgentsCodec.streamed(body);
            BedrockAgentsCodec.Create bedrock = tree.bedrock() ? BedrockAgentsCodec.sessionCreate(body) : null;
            SessionDraft draft = bedrock != null ? bedrock.draft() : AgentsCodec.sessionCreate(body);
            if (draft.input() != null) call.alsoMay(Actions.SEND_AGENT_SESSION_EVENT, "agent-session/*");
            if (streamed && draft.environment() instanceof EnvironmentSpec.SelfHosted hosted && hosted.connect() instanceof EnvironmentSpec.Connect.DialOut) {
                // The credential is shown once, in the creation's answer: a stream of events has no place for it.
                throw QuarryException.invalid("stream", "A session whose executor dials out to Quarry (self_hosted without quarry_connect) "
                        + "must be created without 'stream': its answer carries the executor's credential.");
            }
            AgentSessions.Created created = bedrock != null
                    ? new AgentSessions.Created(roleSessions.create(call, bedrock.role(), draft, tree.wire().surface(), gate(call)), null)
                    : sessions.create(call, draft, tree.wire().surface(), gate(call));
            Session session = created.session();
            if (!streamed) {
                inputs.begin(session, draft.input(), sender(req, call));
                ObjectNode answer = AgentsCodec.session(sessions.view(session));
                if (created.credential() != null) AgentsCodec.dialOut(answer, remoteUrl.get(), created.credential());
                return sent -> ModelCalls.reply(sent, json(answer));
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

    private void listSessions(Tree tree, ServerRequest req, ServerResponse res) {
        calls.serve(req, res, tree.wire(), Actions.READ_AGENT_SESSION, "agent-session/*", call -> {
            ListQuery query = listQuery(req, true);
            return json(AgentsCodec.page(sessions.list(call, query, s -> call.mayOn("agent-session/" + s.id())),
                    s -> AgentsCodec.session(sessions.view(s)), Session::id));
        });
    }

    private void getSession(Tree tree, ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, tree.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.session(sessions.view(sessions.get(call, id)))));
    }

    private void updateSession(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, OPENAI.wire(), Actions.UPDATE_AGENT_SESSION, "agent-session/" + id, call -> {
            var change = AgentsCodec.sessionUpdate(call.body().get());
            return json(AgentsCodec.session(sessions.view(sessions.update(call, id, change, gate(call)))));
        });
    }

    private void deleteSession(Tree tree, ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, tree.wire(), Actions.DELETE_AGENT_SESSION, "agent-session/" + id, call -> {
            sessions.delete(call, id);
            return json(AgentsCodec.deleted(id, "agent.session.deleted"));
        });
    }

    /** Input events: 202 with no body once committed; the turn they start or steer runs on. */
    private void postEvents(Tree tree, ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, tree.wire(), Actions.SEND_AGENT_SESSION_EVENT, "agent-session/" + id, call -> {
            String key = HttpIo.header(req, "Idempotency-Key");
            if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY)) {
                throw QuarryException.invalid("Idempotency-Key", "'Idempotency-Key' must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters.");
            }
            byte[] raw = Json.bytes(call.body().get());
            var posted = SessionEventsCodec.inputs(call.body().get());
            Session session = sessions.get(call, id);
            // Deciding a held call is its own permission: who may talk to an agent need not be who may let it act.
            if (posted.stream().anyMatch(Input.ApprovalResult.class::isInstance)) call.alsoMay(Actions.APPROVE_AGENT_ACTION, "agent-session/" + session.id());
            inputs.post(session, posted, sender(req, call), key, SignableRequest.sha256Hex(raw));
            return new WireReply(202, "application/json", new byte[0], Map.of());
        });
    }

    /**
     * The live stream of a session's events. With {@code Last-Event-ID} (a Quarry extension) it
     * first replays the committed events after that one, so a reconnecting client misses none.
     */
    private void followEvents(Tree tree, ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serveStream(req, res, tree.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id, call -> {
            // Bedrock documents the stream as asked for with ?stream=true, and refuses it otherwise.
            if (tree.bedrock() && !req.query().first("stream").map("true"::equals).orElse(false)) {
                throw QuarryException.invalid("stream", "Amazon Bedrock's session event stream is asked for with 'stream=true'.");
            }
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

    private void listItems(Tree tree, ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, tree.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(AgentsCodec.page(sessions.items(call, id, null, listQuery(req, false)), SessionEventsCodec::item, Item::id)));
    }

    private void listTurns(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, OPENAI.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id, call -> {
            String agentId = agentIdOf(sessions.get(call, id));
            return json(AgentsCodec.page(sessions.turns(call, id, listQuery(req, false)), t -> SessionEventsCodec.turn(t, agentId), Turn::id));
        });
    }

    private void getTurn(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String turnId = req.path().pathParameters().get("turn");
        calls.serve(req, res, OPENAI.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id,
                call -> json(SessionEventsCodec.turn(sessions.turn(call, id, turnId), agentIdOf(sessions.get(call, id)))));
    }

    private void listTurnItems(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String turnId = req.path().pathParameters().get("turn");
        calls.serve(req, res, OPENAI.wire(), Actions.READ_AGENT_SESSION, "agent-session/" + id,
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
        calls.serve(req, res, OPENAI.wire(), Actions.CREATE_AGENT, "agent/*",
                call -> json(AgentsCodec.agent(agents.create(call, AgentsCodec.savedAgent(call.body().get(), true), gate(call)))));
    }

    private void listAgents(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, OPENAI.wire(), Actions.READ_AGENT, "agent/*", call -> {
            ListQuery query = listQuery(req, false);
            return json(AgentsCodec.page(agents.list(call, query, a -> call.mayOn("agent/" + a.id())), AgentsCodec::agent, SavedAgent::id));
        });
    }

    private void getAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, OPENAI.wire(), Actions.READ_AGENT, "agent/" + id, call -> json(AgentsCodec.agent(agents.get(call, id))));
    }

    private void updateAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, OPENAI.wire(), Actions.UPDATE_AGENT, "agent/" + id, call -> {
            var change = AgentsCodec.savedAgent(call.body().get(), false);
            return json(AgentsCodec.agent(agents.update(call, id, change, gate(call))));
        });
    }

    private void deleteAgent(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, OPENAI.wire(), Actions.DELETE_AGENT, "agent/" + id, call -> {
            agents.delete(call, id);
            return json(AgentsCodec.deleted(id, "agent.deleted"));
        });
    }

    /**
     * A session's model is checked when it is set: it must exist and be a chat model (400), and the
     * principal the session's calls will run as (the caller, or the role a session runs as) must be
     * allowed to invoke it on one of its deployments (403), with this call's condition keys.
     */
    private ModelGate gate(PlatformContext call) {
        return (model, param, runAsId) -> {
            ModelEntry entry = catalog.find(model).orElseThrow(() -> QuarryException.invalid(param,
                    "The model '" + model + "' does not exist in this Quarry's catalog."));
            if (entry.kind() != ModelKind.CHAT) {
                throw QuarryException.invalid(param, "The model '" + model + "' is not a chat model; an agent needs one.");
            }
            if (!call.mayInvokeAs(runAsId, entry)) {
                String who = runAsId.equals(call.caller().id()) ? "You are" : "The role the session runs as is";
                throw new QuarryException(new QuarryError(ErrorKind.PERMISSION_DENIED,
                        who + " not allowed to invoke the model '" + model + "'.", param, null));
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
