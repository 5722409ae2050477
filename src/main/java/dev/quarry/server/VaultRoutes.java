package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.vault.Vault;
import dev.quarry.agents.vault.VaultCredential;
import dev.quarry.agents.vault.Vaults;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.agents.AgentsCodec;
import dev.quarry.surface.agents.VaultsCodec;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Vaults on OpenAI's tree ({@code /v1/vaults…}, as the SDKs' {@code beta.agents.vaults}), served
 * as the Agents API's sessions are: each call a platform call authorized on {@code vault/*} or
 * {@code vault/ID}, answering its owner only (anyone else's vault is a 404), errors in OpenAI's
 * shape. Reading is {@code quarry:ReadVault}; adding, rotating and deleting a credential
 * {@code quarry:WriteVaultCredential} on its vault. No answer carries a credential's token.
 */
final class VaultRoutes implements HttpService {
    private static final String VAULTS = AgentRoutes.OPENAI.prefix() + "/vaults";
    private static final PlatformCalls.Wire WIRE = AgentRoutes.OPENAI.wire();

    private final PlatformCalls calls;
    private final Vaults vaults;

    VaultRoutes(PlatformCalls calls, Vaults vaults) {
        this.calls = calls;
        this.vaults = vaults;
    }

    @Override
    public void routing(HttpRules rules) {
        String vault = VAULTS + "/{id}";
        String credentials = vault + "/credentials";
        rules.post(VAULTS, this::createVault)
                .get(VAULTS, this::listVaults)
                .get(vault, this::getVault)
                .post(vault, this::updateVault)
                .delete(vault, this::deleteVault)
                .post(credentials, this::createCredential)
                .get(credentials, this::listCredentials)
                .get(credentials + "/{cid}", this::getCredential)
                .post(credentials + "/{cid}", this::updateCredential)
                .delete(credentials + "/{cid}", this::deleteCredential)
                .any(VAULTS, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(vault, MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE))
                .any(credentials, MethodNotAllowed.allowing(Method.GET, Method.POST))
                .any(credentials + "/{cid}", MethodNotAllowed.allowing(Method.GET, Method.POST, Method.DELETE));
    }

    private void createVault(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.CREATE_VAULT, "vault/*",
                call -> json(VaultsCodec.vault(vaults.create(call, VaultsCodec.vault(call.body().get(), true)))));
    }

    private void listVaults(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, WIRE, Actions.READ_VAULT, "vault/*", call -> json(AgentsCodec.page(
                vaults.list(call, listQuery(req), v -> call.mayOn("vault/" + v.id())), VaultsCodec::vault, Vault::id)));
    }

    private void getVault(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_VAULT, "vault/" + id, call -> json(VaultsCodec.vault(vaults.get(call, id))));
    }

    private void updateVault(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.CREATE_VAULT, "vault/" + id,
                call -> json(VaultsCodec.vault(vaults.update(call, id, VaultsCodec.vault(call.body().get(), false)))));
    }

    private void deleteVault(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.DELETE_VAULT, "vault/" + id, call -> {
            vaults.delete(call, id);
            return json(AgentsCodec.deleted(id, "vault.deleted"));
        });
    }

    private void createCredential(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.WRITE_VAULT_CREDENTIAL, "vault/" + id,
                call -> json(VaultsCodec.credential(vaults.addCredential(call, id, VaultsCodec.credential(call.body().get())))));
    }

    private void listCredentials(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_VAULT, "vault/" + id, call -> json(AgentsCodec.page(
                vaults.credentials(call, id, listQuery(req)), VaultsCodec::credential, VaultCredential::id)));
    }

    private void getCredential(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.READ_VAULT, "vault/" + id,
                call -> json(VaultsCodec.credential(vaults.credential(call, id, credentialId(req)))));
    }

    /** An update: {@code auth.token} rotates the credential (its next use is at the next run of a turn), {@code metadata} replaces. */
    private void updateCredential(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, WIRE, Actions.WRITE_VAULT_CREDENTIAL, "vault/" + id, call -> json(VaultsCodec.credential(
                vaults.changeCredential(call, id, credentialId(req), VaultsCodec.credentialChange(call.body().get())))));
    }

    private void deleteCredential(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String cid = credentialId(req);
        calls.serve(req, res, WIRE, Actions.WRITE_VAULT_CREDENTIAL, "vault/" + id, call -> {
            vaults.deleteCredential(call, id, cid);
            return json(AgentsCodec.deleted(cid, "vault.credential.deleted"));
        });
    }

    private static ListQuery listQuery(ServerRequest req) {
        return AgentsCodec.listQuery(name -> req.query().first(name).orElse(null), req.query().names(), false);
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static String credentialId(ServerRequest req) {
        return req.path().pathParameters().get("cid");
    }

    private static WireReply json(ObjectNode body) {
        return WireReply.json(200, Json.bytes(body));
    }
}
