package dev.quarry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuiltInCatalogTest {
    private final Catalog catalog = new Catalog(BuiltInCatalog.models());

    @Test
    void theGpt56ModelsResolveByIdAndByTheirBedrockIds() {
        assertThat(catalog.find("gpt-5.6-sol")).map(ModelEntry::id).contains("gpt-5.6-sol");
        assertThat(catalog.find("openai.gpt-5.6-sol")).map(ModelEntry::id).contains("gpt-5.6-sol");
        assertThat(catalog.find("gpt-5.6")).map(ModelEntry::id).contains("gpt-5.6-sol");
        assertThat(catalog.find("openai.gpt-5.6-terra")).map(ModelEntry::id).contains("gpt-5.6-terra");
        assertThat(catalog.find("gpt-5.6-luna")).map(ModelEntry::id).contains("gpt-5.6-luna");
        assertThat(catalog.find("openai.gpt-5.6-luna")).map(ModelEntry::id).contains("gpt-5.6-luna");
        ModelEntry sol = catalog.find("openai.gpt-5.6-sol").orElseThrow();
        assertThat(sol.family()).isEqualTo("gpt");
        assertThat(sol.kind()).isEqualTo(ModelKind.CHAT);
        assertThat(sol.contextWindow()).isEqualTo(1_050_000);
        assertThat(sol.maxOutputTokens()).isEqualTo(128_000);
    }

    @Test
    void olderIdsKeepTheirEntriesAndGainTheirBedrockAndDatedNames() {
        assertThat(catalog.find("openai.gpt-5.5")).map(ModelEntry::id).contains("gpt-5.5");
        assertThat(catalog.find("openai.gpt-5.4")).map(ModelEntry::id).contains("gpt-5.4");
        assertThat(catalog.find("claude-haiku-4-5-20251001")).map(ModelEntry::id).contains("claude-haiku-4-5");
        assertThat(catalog.names()).contains("gpt-5.5", "gpt-5.4", "gpt-5.4-mini", "claude-opus-4-5", "claude-sonnet-4-5",
                "claude-haiku-4-5", "gemini-2.5-pro", "gemini-2.5-flash", "quarry/echo");
    }

    @Test
    void builtInFrontierModelsHaveNoDeploymentSoAnAliasNeverNamesTheUpstream() {
        assertThat(catalog.find("openai.gpt-5.6-sol").orElseThrow().deployments()).isEmpty();
        assertThat(catalog.find("openai.gpt-5.6-sol").orElseThrow().available()).isFalse();
    }

    @Test
    void anAliasTheConfigurationClaimsIsDropped() {
        ModelEntry sol = catalog.find("gpt-5.6-sol").orElseThrow();
        assertThat(sol.withoutAliases(java.util.Set.of("openai.gpt-5.6-sol")).aliases()).containsExactly("gpt-5.6");
        assertThat(sol.withoutAliases(java.util.Set.of("other"))).isSameAs(sol);
    }
}
