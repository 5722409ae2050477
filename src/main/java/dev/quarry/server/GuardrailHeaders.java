package dev.quarry.server;

import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.guardrails.Assessment;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardrailRef;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The guardrail a client asks for in headers, on any surface: Quarry's own
 * ({@code X-Quarry-Guardrail: id} or {@code id:version}) or Bedrock InvokeModel's
 * ({@code X-Amzn-Bedrock-GuardrailIdentifier} and {@code -GuardrailVersion}); and, on the
 * answer, whether the guardrail intervened on the prompt ({@code X-Quarry-Guardrail-Action}) and,
 * when it blocked, the types of the policies that blocked ({@code X-Quarry-Guardrail-Blocked-By:
 * contentPolicy/PROMPT_ATTACK}), never what they matched: the guardrail's own message is the
 * answer, and without the header a client cannot tell a prompt attack from a card number. An
 * answer sent whole is checked before it is sent, so its block is named too; a streamed answer
 * has sent its headers by the time it is blocked, and only the audit trail (and Bedrock's trace)
 * names what blocked it.
 */
final class GuardrailHeaders {
    static final String QUARRY = "X-Quarry-Guardrail";
    static final String QUARRY_TRACE = "X-Quarry-Guardrail-Trace";
    static final String ACTION = "X-Quarry-Guardrail-Action";
    static final String BLOCKED_BY = "X-Quarry-Guardrail-Blocked-By";
    static final String BEDROCK_ID = "X-Amzn-Bedrock-GuardrailIdentifier";
    static final String BEDROCK_VERSION = "X-Amzn-Bedrock-GuardrailVersion";
    static final String BEDROCK_TRACE = "X-Amzn-Bedrock-Trace";

    private GuardrailHeaders() {}

    /**
     * @return the guardrail asked for, or {@code null}
     * @throws QuarryException 400 when a header is malformed, or the two kinds name different guardrails
     */
    static GuardrailRef read(ServerRequest req) {
        String named = HttpIo.header(req, QUARRY);
        GuardrailRef quarry = named == null ? null : GuardrailRef.parseNamed(named, "true".equalsIgnoreCase(HttpIo.header(req, QUARRY_TRACE)), QUARRY);
        String bedrockId = HttpIo.header(req, BEDROCK_ID);
        String bedrockVersion = HttpIo.header(req, BEDROCK_VERSION);
        if (bedrockId == null && bedrockVersion != null) throw QuarryException.invalid(BEDROCK_ID, BEDROCK_VERSION + " needs " + BEDROCK_ID + ".");
        GuardrailRef bedrock = bedrockId == null ? null : GuardrailRef.parse(bedrockId, bedrockVersion,
                String.valueOf(HttpIo.header(req, BEDROCK_TRACE)).toUpperCase(java.util.Locale.ROOT).startsWith("ENABLED"), BEDROCK_ID);
        if (quarry != null && bedrock != null && !quarry.sameAs(bedrock)) {
            throw QuarryException.invalid(QUARRY, QUARRY + " and " + BEDROCK_ID + " name different guardrails; send one.");
        }
        return quarry != null ? quarry : bedrock;
    }

    /**
     * Says on the answer whether the prompt was blocked or anonymised, and by what kind of policy:
     * known before the status line. For an answer sent whole, what blocks the answer is named when
     * it is checked, which is before the answer is written.
     */
    static void write(Exchange exchange, ServerResponse res) {
        GuardRecord record = exchange.guardRecord();
        if (record == null) return;
        Assessment input = record.input();
        res.header(QUARRY, record.ref().toString());
        res.header(ACTION, input != null && input.intervened() ? "INTERVENED" : "NONE");
        if (input != null && input.blocked()) {
            res.header(BLOCKED_BY, String.join(", ", input.blockedBy()));
        } else if (exchange.operation() instanceof Operation.Chat chat && !chat.streaming()) {
            record.whenAnswerAssessed(output -> {
                if (output.blocked()) res.header(BLOCKED_BY, String.join(", ", output.blockedBy()));
            });
        }
    }
}
