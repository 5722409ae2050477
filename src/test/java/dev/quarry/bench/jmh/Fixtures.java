package dev.quarry.bench.jmh;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Realistic inputs the benchmarks share, built once. */
final class Fixtures {
    private Fixtures() {}

    /** Token-sized pieces of an answer, cycled: words with their leading space, punctuation, a quote and a newline to escape. */
    private static final String[] PIECES = {
        "Sure", ",", " here", " is", " how", " the", " gateway", " routes", " a", " request", ":", "\n\n", "1", ".",
        " It", " authent", "icates", " the", " caller", " (", "API", " key", " or", " Sig", "V", "4", ")", ";", " then",
        " it", " checks", " the", " \"", "Model", "Access", "\"", " policy", ",", " the", " rate", " limit", " and",
        " the", " budget", " before", " it", " calls", " the", " upstream", ".", " Über", " 😀", "\n"
    };

    /**
     * The canonical stream of a plain text answer with {@code deltas} text deltas: message start,
     * one text block, the deltas, its stop, the usage, the stop.
     */
    static List<StreamEvent> textStream(int deltas) {
        List<StreamEvent> events = new ArrayList<>(deltas + 5);
        events.add(new StreamEvent.MessageStart("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5-20250929"));
        events.add(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
        for (int i = 0; i < deltas; i++) events.add(new StreamEvent.TextDelta(0, PIECES[i % PIECES.length]));
        events.add(new StreamEvent.BlockStop(0));
        events.add(new StreamEvent.UsageReport(new Usage(1_234, deltas, 2_048, 0)));
        events.add(new StreamEvent.MessageStop(StopReason.END_TURN));
        return List.copyOf(events);
    }

    /**
     * A Chat Completions request as a coding agent sends one mid-task: a system prompt, ten turns
     * (text, tool calls with their results), three function tools with JSON schemas, and the
     * usual options.
     */
    static byte[] chatCompletionsBody() {
        String body = """
            {
              "model": "claude-sonnet-4-5",
              "messages": [
                {"role": "system", "content": "You are a careful assistant working in a Java repository. Answer briefly, cite file paths, and call tools when you need facts you do not have. Never invent APIs; when unsure, search the docs first."},
                {"role": "user", "content": "Why does the ledger writer sometimes lag behind under load? Look at the metering package."},
                {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "call_01", "type": "function", "function": {"name": "search_docs", "arguments": "{\\"query\\":\\"ledger group commit\\",\\"limit\\":5}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_01", "content": "metering/LedgerWriter.java: writes records by group commit, one transaction per batch of up to 256 records or every 50 ms, whichever comes first."},
                {"role": "assistant", "content": "The writer commits in batches: up to 256 records or every 50 ms. Under a burst the batch fills and the queue grows until the next commit."},
                {"role": "user", "content": [{"type": "text", "text": "How many records are queued right now on the SQLite store? Also what is the p99 commit time?"}]},
                {"role": "assistant", "content": "Let me check both.", "tool_calls": [
                  {"id": "call_02", "type": "function", "function": {"name": "run_sql", "arguments": "{\\"sql\\":\\"SELECT count(*) FROM usage_ledger WHERE settled = 0\\",\\"database\\":\\"quarry\\"}"}},
                  {"id": "call_03", "type": "function", "function": {"name": "get_metric", "arguments": "{\\"name\\":\\"ledger_commit_seconds\\",\\"quantile\\":0.99,\\"window\\":\\"5m\\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_02", "content": "[{\\"count(*)\\": 1873}]"},
                {"role": "tool", "tool_call_id": "call_03", "content": "{\\"value\\": 0.183, \\"unit\\": \\"s\\"}"},
                {"role": "assistant", "content": "1,873 records are queued and the p99 commit takes 183 ms, far over the 50 ms batch interval: the disk is the bottleneck, not the batching."},
                {"role": "user", "content": "Suggest a fix, and show me the exact lines to change in LedgerWriter."}
              ],
              "tools": [
                {"type": "function", "function": {"name": "search_docs", "description": "Full-text search over the repository's documentation and source.", "parameters": {"type": "object", "properties": {"query": {"type": "string", "description": "What to look for"}, "limit": {"type": "integer", "minimum": 1, "maximum": 20}}, "required": ["query"], "additionalProperties": false}}},
                {"type": "function", "function": {"name": "run_sql", "description": "Runs a read-only SQL query against one of the store's databases.", "parameters": {"type": "object", "properties": {"sql": {"type": "string"}, "database": {"type": "string", "enum": ["quarry", "audit"]}}, "required": ["sql", "database"], "additionalProperties": false}}},
                {"type": "function", "function": {"name": "get_metric", "description": "Reads a quantile of a Prometheus histogram over a time window.", "parameters": {"type": "object", "properties": {"name": {"type": "string"}, "quantile": {"type": "number", "minimum": 0, "maximum": 1}, "window": {"type": "string", "pattern": "^[0-9]+[smh]$"}}, "required": ["name"], "additionalProperties": false}}}
              ],
              "tool_choice": "auto",
              "temperature": 0.2,
              "max_completion_tokens": 4096,
              "stream": true,
              "stream_options": {"include_usage": true},
              "user": "alice@example.com"
            }
            """;
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
