package dev.quarry.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.UpstreamScript;
import dev.quarry.provider.anthropic.AnthropicStub;
import dev.quarry.provider.bedrock.BedrockStub;
import dev.quarry.provider.gemini.GeminiStub;
import dev.quarry.provider.openai.OpenAiStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One stub upstream of a JSON-tools wire format, as a Codex test needs it: the provider line of
 * Quarry's configuration (always named {@code up}), the script, and the first two bodies it received.
 */
sealed interface PatchUpstream extends AutoCloseable {
    ObjectMapper JSON = new ObjectMapper();

    /** The upstream wire formats, with what marks a tool result in each one's request body. */
    enum Wire {
        BEDROCK_CONVERSE("\"toolResult\""),
        ANTHROPIC_MESSAGES("\"tool_result\""),
        GEMINI("\"functionResponse\""),
        CHAT_COMPLETIONS("\"role\":\"tool\"");

        private final String toolResultMarker;

        Wire(String toolResultMarker) {
            this.toolResultMarker = toolResultMarker;
        }

        String toolResultMarker() {
            return toolResultMarker;
        }
    }

    static PatchUpstream start(Wire wire) {
        return switch (wire) {
            case BEDROCK_CONVERSE -> new Scripted(new BedrockStub(), "type: bedrock, region: us-east-1",
                    "\"us.anthropic.claude-sonnet-4-5-20250929-v1:0\"", BedrockStub.credentials());
            case ANTHROPIC_MESSAGES -> new Scripted(new AnthropicStub(), "type: anthropic, api_key_env: UP_KEY", "claude-upstream",
                    Map.of("UP_KEY", "sk-ant"));
            case GEMINI -> new Scripted(new GeminiStub(), "type: gemini, api_key_env: UP_KEY", "gemini-upstream",
                    Map.of("UP_KEY", "AIza-gemini"));
            case CHAT_COMPLETIONS -> new ChatCompletions(OpenAiStub.start());
        };
    }

    /** The provider's entry in Quarry's {@code providers:} list, in flow style. */
    String provider();

    String upstreamModel();

    Map<String, String> environment();

    void then(UpstreamScript script);

    JsonNode firstBody();

    /** The second request's body as sent: the one that carries the tool's result. */
    String secondBody();

    record Scripted(ScriptedStub stub, String type, String upstreamModel, Map<String, String> environment) implements PatchUpstream {
        public String provider() {
            return "{ name: up, %s, base_url: \"%s\" }".formatted(type, stub.baseUrl());
        }

        public void then(UpstreamScript script) {
            stub.then(script);
        }

        public JsonNode firstBody() {
            try {
                return JSON.readTree(stub.requests().getFirst().body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String secondBody() {
            return stub.requests().get(1).text();
        }

        public void close() {
            stub.close();
        }
    }

    record ChatCompletions(OpenAiStub stub) implements PatchUpstream {
        public String provider() {
            return "{ name: up, type: openai-compatible, api: chat_completions, base_url: \"%s\" }".formatted(stub.baseUrl());
        }

        public String upstreamModel() {
            return "gpt-upstream";
        }

        public Map<String, String> environment() {
            return Map.of();
        }

        public void then(UpstreamScript script) {
            stub.then(script);
        }

        public JsonNode firstBody() {
            return stub.requests().getFirst().body();
        }

        public String secondBody() {
            return stub.requests().get(1).body().toString();
        }

        public void close() {
            stub.close();
        }
    }
}
