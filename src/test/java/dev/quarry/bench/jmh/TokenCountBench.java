package dev.quarry.bench.jmh;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.tokenizer.Tokenizers;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Counting a prompt on the request path, for a 1 KB, 32 KB and 400 KB prompt of mixed prose, code,
 * JSON and some CJK, as a coding agent's context holds: its whole text by o200k_base (GPT-4o and
 * later) and cl100k_base (GPT-4) through jtokkit and by the four-characters estimate, and the
 * request as the gateway counts it ({@code request*}: one user message; a real tokenizer encodes
 * the first 32 Ki characters and extrapolates the rest).
 */
public class TokenCountBench extends Microbenchmark {
    private static final String SAMPLE = """
            The gateway authenticates the caller, checks its policies, and reserves the tokens a request may use \
            before any upstream sees it. Budgets are held in micro-dollars; rate limits count tokens per minute.
            public long reservedTokens(ModelEntry model) { return promptEstimate() + outputAllowance(model); }
            {"model":"gpt-5.5","max_tokens":1024,"messages":[{"role":"user","content":"Summarise the incident."}]}
            请用三句话总结这份事故报告，并列出后续行动。 Über naïve café — 42 items at $3.50 each, 2026-12-07T09:15:00Z.
            """;

    @Param({"1024", "32768", "409600"})
    int chars;

    String prompt;
    ChatRequest request;
    Tokenizer o200k;
    Tokenizer cl100k;

    @Setup
    public void setUp() {
        prompt = SAMPLE.repeat(chars / SAMPLE.length() + 1).substring(0, chars);
        request = ChatRequest.of("gpt-5.5", List.of(new Message(Role.USER, List.of(new ContentBlock.Text(prompt)))));
        o200k = Tokenizers.forModel("gpt", "gpt-5.5");
        cl100k = Tokenizers.forModel("gpt", "gpt-4");
        if (o200k.count(prompt) <= 0 || cl100k.count(prompt) <= 0) throw new IllegalStateException("no tokens counted");
    }

    @Benchmark
    public long estimate() {
        return TokenEstimate.of(prompt);
    }

    @Benchmark
    public long o200k() {
        return o200k.count(prompt);
    }

    @Benchmark
    public long cl100k() {
        return cl100k.count(prompt);
    }

    @Benchmark
    public long requestEstimate() {
        return TokenEstimate.of(request);
    }

    @Benchmark
    public long requestO200k() {
        return TokenEstimate.of(request, o200k);
    }
}
