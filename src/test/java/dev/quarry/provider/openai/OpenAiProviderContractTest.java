package dev.quarry.provider.openai;

import dev.quarry.canonical.Usage;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderContractTest;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.UpstreamScript;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The contract kit wired to the OpenAI stub, for the provider on either upstream API. */
abstract class OpenAiProviderContractTest extends ProviderContractTest {
    protected OpenAiStub stub;
    protected Provider provider;

    /** The {@code api} option under test, or {@code null} for the provider's default. */
    protected abstract String api();

    @BeforeEach
    void startStub() {
        stub = OpenAiStub.start();
        provider = new OpenAiProvider(settings("openai", stub.baseUrl(), "sk-test", api()));
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    /** Settings for a provider named "upstream"; a {@code null} api leaves the option unset. */
    static ProviderSettings settings(String type, URI baseUrl, String apiKey, String api) {
        Map<String, String> options = new HashMap<>();
        if (api != null) options.put("api", api);
        return new ProviderSettings("upstream", type, baseUrl, apiKey, null, Duration.ofSeconds(10), options);
    }

    @Override
    protected Provider provider() {
        return provider;
    }

    @Override
    protected void script(UpstreamScript script) {
        stub.then(script);
    }

    @Override
    protected int framesBeforeHangUp() {
        return 4;
    }

    @Override
    protected Usage scriptedUsage() {
        return OpenAiStub.USAGE;
    }

    @Override
    protected String lastRequestBody() {
        return stub.lastRequest().body().toString();
    }
}
