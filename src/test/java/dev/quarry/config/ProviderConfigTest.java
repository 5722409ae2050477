package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.pricing.Platforms;
import dev.quarry.provider.ProviderRegistry;
import dev.quarry.provider.ProviderType;
import dev.quarry.provider.ProviderTypes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A {@code providers:} entry: its common settings and its type's own options, each checked when the file is read. */
class ProviderConfigTest {
    private static final Path DATA = Path.of("data");
    private static final Map<String, String> ENV = Map.of("KEY", "secret", "AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "s3cret");

    /** One entry of every type, each with every option its type reads. */
    private static final String EVERY_TYPE = """
            providers:
              - { name: o, type: openai, api_key_env: KEY, api: chat_completions, connect_timeout_seconds: 5, read_timeout_seconds: 60 }
              - { name: vllm, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", api: responses, platform: local }
              - { name: az, type: azure-openai, base_url: "https://r.openai.azure.com", api_key_env: KEY, api_version: v1, api: responses }
              - { name: claude, type: anthropic, api_key_env: KEY, default_max_tokens: 8192, anthropic_beta: context-1m-2025-08-07 }
              - { name: g, type: gemini, api_key_env: KEY, platform: direct }
              - { name: aws, type: bedrock, region: eu-west-1, access_key_id_env: AWS_ACCESS_KEY_ID,
                  secret_access_key_env: AWS_SECRET_ACCESS_KEY, session_token_env: AWS_SESSION_TOKEN }
              - { name: mantle, type: bedrock-mantle, region: us-east-2, api: chat_completions, access_key_id_env: AWS_ACCESS_KEY_ID,
                  secret_access_key_env: AWS_SECRET_ACCESS_KEY, session_token_env: AWS_SESSION_TOKEN }
            """;

    @Test
    void anEntryOfEveryTypeWithEveryOptionLoadsAndBuildsItsProvider() {
        QuarryConfig config = ConfigLoader.parse(EVERY_TYPE, "q.yaml", DATA);

        assertThat(config.providers()).extracting(p -> p.type().name())
                .containsExactlyInAnyOrderElementsOf(ProviderTypes.names());
        assertThat(config.providers().get(3).options()).containsEntry("default_max_tokens", "8192");
        assertThat(config.providers().getFirst().connectTimeout()).hasSeconds(5);
        ProviderRegistry registry = ProviderRegistry.create(List.of(), Assembly.providers(config, ENV::get), ENV::get);
        assertThat(registry.names()).containsExactly("o", "vllm", "az", "claude", "g", "aws", "mantle");
    }

    @Test
    void aProviderBillsOnItsTypesPlatformUnlessItsPlatformSettingSaysOtherwise() {
        Map<String, String> platforms = ConfiguredPrices.platforms(ConfigLoader.parse(EVERY_TYPE, "q.yaml", DATA));

        assertThat(platforms).containsEntry("o", "direct").containsEntry("vllm", "local").containsEntry("az", "azure")
                .containsEntry("claude", "direct").containsEntry("g", "direct").containsEntry("aws", "bedrock")
                .containsEntry("mantle", "bedrock");
    }

    @Test
    void everyTypeBillsOnAKnownPlatform() {
        assertThat(ProviderTypes.ALL).extracting(ProviderType::platform).allSatisfy(p -> assertThat(Platforms.KNOWN).contains(p));
    }

    @Test
    void aMisspeltOptionIsRefusedNamingWhatTheTypeKnows() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                providers:
                  - { name: o, type: openai, api_key_env: KEY }
                  - { name: aws, type: bedrock, regoin: us-east-1 }""", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessage("q.yaml: providers[1].regoin is not a known setting of provider type bedrock (known: [access_key_id_env, "
                        + "api_key_env, base_url, connect_timeout_seconds, name, platform, read_timeout_seconds, region, "
                        + "secret_access_key_env, session_token_env, type])");
    }

    @Test
    void aMisspeltCommonSettingIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{ name: o, type: openai, api_key_env: KEY, conect_timeout_seconds: 10 }]",
                "q.yaml", DATA))
                .hasMessageStartingWith("q.yaml: providers[0].conect_timeout_seconds is not a known setting of provider type openai")
                .hasMessageContaining("connect_timeout_seconds");
    }

    @Test
    void anOptionOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{ name: o, type: openai, api_key_env: KEY, region: us-east-1 }]",
                "q.yaml", DATA))
                .hasMessageStartingWith("q.yaml: providers[0].region is not a known setting of provider type openai");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            openai    | connect_timeout_seconds: ten | providers[0].connect_timeout_seconds must be a whole number of seconds from 1 to 1000000, got "ten"
            openai    | read_timeout_seconds: 0      | providers[0].read_timeout_seconds must be a whole number of seconds from 1 to 1000000, got 0
            openai    | api: completions             | providers[0].api must be one of [chat_completions, responses], got "completions"
            anthropic | default_max_tokens: lots     | providers[0].default_max_tokens must be a positive whole number, got "lots"
            anthropic | default_max_tokens: -5       | providers[0].default_max_tokens must be a positive whole number, got "-5"
            anthropic | anthropic_beta:              | providers[0].anthropic_beta must be a non-empty string
            anthropic | anthropic_beta: [a, b]       | providers[0].anthropic_beta must be a plain value
            anthropic | base_url: api.anthropic.com  | providers[0].base_url must be an http:// or https:// URL with a host, got "api.anthropic.com"
            """)
    void anIllTypedValueIsRefusedWithItsPath(String type, String setting, String problem) {
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{ name: p, type: " + type + ", api_key_env: KEY, " + setting + " }]",
                "q.yaml", DATA))
                .isInstanceOf(ConfigException.class).hasMessage("q.yaml: " + problem);
    }

    @Test
    void anUnknownTypeIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{ name: o, type: opneai }]", "q.yaml", DATA))
                .hasMessage("q.yaml: providers[0].type 'opneai' is not a provider type (known: " + ProviderTypes.names() + ")");
    }

    @Test
    void aTypeWithoutADefaultAddressNeedsABaseUrl() {
        assertThatThrownBy(() -> ConfigLoader.parse("providers: [{ name: az, type: azure-openai, api_key_env: KEY }]", "q.yaml", DATA))
                .hasMessage("q.yaml: providers[0].base_url is required: provider type azure-openai has no default address");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNotSilentlyOverwritten() {
        // A second server: block would otherwise replace the first whole, here moving the listener to every interface.
        assertThatThrownBy(() -> ConfigLoader.parse("""
                server:
                  port: 9999
                server:
                  host: 0.0.0.0
                """, "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("q.yaml")
                .hasMessageContaining("line 3")
                .hasMessageContaining("server")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigLoader.parse("""
                providers:
                  - { name: v, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", api: responses, api: chat_completions }
                """, "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api");
    }

    @Test
    void aBaseUrlCarryingCredentialsIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                providers:
                  - { name: v, type: openai-compatible, base_url: "https://user:s3cret@llm.example.com/v1" }
                """, "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[0].base_url")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aTimeoutTooLargeForTheHttpClientIsRefusedAtStartUpNotOnEveryCall() {
        // 3,000,000 s is more milliseconds than a socket timeout holds: every call failed with "timeout can't be negative".
        assertThatThrownBy(() -> ConfigLoader.parse("""
                providers:
                  - { name: v, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", read_timeout_seconds: 3000000 }
                """, "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[0].read_timeout_seconds");
        assertThat(ConfigLoader.parse("""
                providers:
                  - { name: v, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", read_timeout_seconds: 86400 }
                """, "q.yaml", DATA).providers().getFirst().readTimeout()).hasDays(1);
    }
}
