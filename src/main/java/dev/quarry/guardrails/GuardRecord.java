package dev.quarry.guardrails;

import dev.quarry.guardrails.GuardrailSpec.Source;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What a guardrail did on one request: its verdict on the prompt and its assessment of the
 * answer, which is known only once the answer has streamed. Written by the request's guard, read
 * by settlement (the ledger), the audit trail (an event per intervention) and the surfaces that
 * return a trace. The answer is streamed on the request's own thread, but settlement may read
 * from another, so the fields are volatile.
 */
public final class GuardRecord {
    private final GuardrailRef ref;
    private final BiConsumer<Source, Assessment> onIntervention;
    private volatile Assessment input;
    private volatile Assessment output;
    private volatile Consumer<Assessment> answerListener = assessment -> {};

    /** @param onIntervention told once per direction the guardrail intervened in (the audit trail) */
    public GuardRecord(GuardrailRef ref, BiConsumer<Source, Assessment> onIntervention) {
        this.ref = ref;
        this.onIntervention = onIntervention;
    }

    public GuardrailRef ref() {
        return ref;
    }

    public void assessed(Source source, Assessment assessment) {
        if (source == Source.INPUT) input = assessment;
        else output = assessment;
        if (assessment.intervened()) onIntervention.accept(source, assessment);
        if (source == Source.OUTPUT) answerListener.accept(assessment);
    }

    /**
     * Has {@code listener} told of the answer's assessment as soon as it is made: an answer sent
     * whole is checked before its status line goes out, so the server can still say in a header
     * what blocked it.
     */
    public void whenAnswerAssessed(Consumer<Assessment> listener) {
        answerListener = listener;
    }

    /** The prompt's assessment, or {@code null} before it was checked. */
    public Assessment input() {
        return input;
    }

    /** The answer's assessment, or {@code null} until the answer ended. */
    public Assessment output() {
        return output;
    }

    /**
     * How the ledger records it: {@code NONE}, or where it intervened and how,
     * e.g. {@code INPUT_BLOCKED}, {@code OUTPUT_ANONYMIZED}, {@code INPUT_ANONYMIZED,OUTPUT_BLOCKED}.
     */
    public String action() {
        String in = word("INPUT", input);
        String out = word("OUTPUT", output);
        if (in == null && out == null) return "NONE";
        if (in == null) return out;
        return out == null ? in : in + "," + out;
    }

    private static String word(String side, Assessment a) {
        if (a == null || !a.intervened()) return null;
        return side + (a.blocked() ? "_BLOCKED" : "_ANONYMIZED");
    }
}
