package dev.quarry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Credential;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static final Exchange EXCHANGE = Exchange.start("req_1", "test",
            () -> new Operation.Chat(ChatRequest.of("m", List.of(Message.user("hi"))), false), Credential.NONE, "127.0.0.1", "ua");

    @Test
    void stepsRunInOrderAndSeeWhatEarlierStepsLearned() {
        List<String> seen = new ArrayList<>();
        Pipeline pipeline = new Pipeline(List.of(
                step("first", (ex, chain) -> {
                    seen.add("first");
                    return chain.proceed(ex);
                }),
                new DecodeStep(),
                step("last", (ex, chain) -> {
                    seen.add("last saw " + ex.operation().model());
                    return new Outcome.Streamed(ex, EventStream.of(List.of()));
                })));
        assertThat(pipeline.run(EXCHANGE)).isInstanceOf(Outcome.Streamed.class);
        assertThat(seen).containsExactly("first", "last saw m");
        assertThat(pipeline.describe()).containsExactly("first", "decode", "last");
    }

    @Test
    void aThrownQuarryExceptionBecomesARejection() {
        Pipeline pipeline = new Pipeline(List.of(step("deny", (ex, chain) -> {
            throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "no");
        })));
        Outcome outcome = pipeline.run(EXCHANGE);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.error().kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
    }

    @Test
    void aStepThatProceedsTwiceIsNamed() {
        Pipeline pipeline = new Pipeline(List.of(
                step("greedy", (ex, chain) -> {
                    chain.proceed(ex);
                    return chain.proceed(ex);
                }),
                step("end", (ex, chain) -> new Outcome.Streamed(ex, EventStream.of(List.of())))));
        assertThatThrownBy(() -> pipeline.run(EXCHANGE)).hasMessageContaining("'greedy' called proceed() twice");
    }

    @Test
    void aStepThatReturnsNullIsNamed() {
        Pipeline pipeline = new Pipeline(List.of(step("sloppy", (ex, chain) -> null)));
        assertThatThrownBy(() -> pipeline.run(EXCHANGE)).hasMessageContaining("'sloppy' returned null");
    }

    @Test
    void theLastStepMayNotProceed() {
        Pipeline pipeline = new Pipeline(List.of(step("lonely", (ex, chain) -> chain.proceed(ex))));
        assertThatThrownBy(() -> pipeline.run(EXCHANGE)).hasMessageContaining("'lonely' is last");
    }

    private static Step step(String name, java.util.function.BiFunction<Exchange, Chain, Outcome> body) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome apply(Exchange exchange, Chain chain) {
                return body.apply(exchange, chain);
            }
        };
    }
}
