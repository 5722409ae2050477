package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model route asked with a method it does not take is a 405 naming the methods it does take in
 * {@code Allow}, in the surface's error shape, where a path Quarry does not serve stays a 404.
 */
class MethodNotAllowedTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestQuarry quarry;
    private static String key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("wrong-method");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /v1/responses, POST", "GET, /v1/chat/completions, POST", "DELETE, /v1/embeddings, POST",
            "POST, /v1/models, GET", "PUT, /v1/models/gpt-5.5, GET",
            "GET, /openai/v1/responses, POST", "GET, /openai/v1/chat/completions, POST", "POST, /openai/v1/models, GET",
            "POST, /openai/v1/models/gpt-5.5, GET"})
    void anOpenAiRouteAskedWithAnotherMethodIsA405(String method, String path, String allowed) throws Exception {
        HttpResponse<String> reply = send(method, path, false);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).contains(allowed);
        assertThat(reply.body()).contains("\"type\":\"invalid_request_error\"").contains(method + " " + path);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /v1/messages, POST", "GET, /v1/messages/count_tokens, POST", "POST, /v1/models, GET"})
    void anAnthropicRouteAskedWithAnotherMethodIsA405InAnthropicsShape(String method, String path, String allowed) throws Exception {
        HttpResponse<String> reply = send(method, path, true);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).contains(allowed);
        assertThat(reply.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\"");
    }

    @ParameterizedTest
    @CsvSource({"GET, /model/quarry%2Fecho/converse", "PUT, /model/quarry%2Fecho/invoke", "GET, /model/quarry%2Fecho/count-tokens"})
    void aBedrockRouteAskedWithAnotherMethodIsA405InRestJson1sShape(String method, String path) throws Exception {
        HttpResponse<String> reply = send(method, path, false);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).contains("POST");
        assertThat(reply.headers().firstValue("X-Amzn-Errortype")).contains("ValidationException");
        assertThat(reply.body()).startsWith("{\"message\":");
    }

    @ParameterizedTest
    @CsvSource({"GET, /model/quarry%2Fecho/nope", "DELETE, /model/quarry%2Fecho", "POST, /model/quarry%2Fecho/nope"})
    void aBedrockPathThatNamesNoOperationIsA404WhateverTheMethod(String method, String path) throws Exception {
        HttpResponse<String> reply = send(method, path, false);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(404);
        assertThat(reply.headers().firstValue("Allow")).isEmpty();
        assertThat(reply.headers().firstValue("X-Amzn-Errortype")).contains("UnknownOperationException");
    }

    @Test
    void theRightMethodsAreStillServedAndAnUnknownPathIsStillA404() throws Exception {
        assertThat(send("GET", "/v1/models", false).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/models", true).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/openai/v1/models", false).statusCode()).isEqualTo(200);
        HttpResponse<String> nowhere = send("GET", "/v1/nowhere", false);
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.headers().firstValue("Allow")).isEmpty();
    }

    private static HttpResponse<String> send(String method, String path, boolean anthropicClient) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, method.equals("GET")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (anthropicClient) request.header("anthropic-version", "2023-06-01");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
