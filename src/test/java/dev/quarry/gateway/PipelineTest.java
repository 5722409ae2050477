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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    void anUnexpectedExceptionBecomesAnInternalErrorNamingTheRequestAndIsLoggedOnceWithTheStep() {
        List<String> seen = new ArrayList<>();
        Pipeline pipeline = new Pipeline(List.of(
                step("outer", (ex, chain) -> {
                    Outcome outcome = chain.proceed(ex.withDecision("p/S"));
                    seen.add("outer saw " + outcome.getClass().getSimpleName());
                    return outcome;
                }),
                step("store", (ex, chain) -> {
                    throw new IllegalStateException("SQLITE_BUSY: database is locked");
                })));
        List<LogRecord> logged = logged(() -> {
            Outcome outcome = pipeline.run(EXCHANGE);
            assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
                assertThat(r.error().kind()).isEqualTo(ErrorKind.INTERNAL);
                assertThat(r.error().message()).contains("req_1").doesNotContain("SQLITE");
                assertThat(r.exchange().decidedBy()).as("the exchange as the failing step got it").isEqualTo("p/S");
            });
        });
        assertThat(seen).containsExactly("outer saw Rejected");
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getMessage()).contains("'store'", "req_1");
            assertThat(r.getThrown()).hasMessageContaining("SQLITE_BUSY");
        });
    }

    @Test
    void aStepThatProceedsTwiceIsNamed() {
        Pipeline pipeline = new Pipeline(List.of(
                step("greedy", (ex, chain) -> {
                    chain.proceed(ex);
                    return chain.proceed(ex);
                }),
                step("end", (ex, chain) -> new Outcome.Streamed(ex, EventStream.of(List.of())))));
        assertThat(internalErrorLog(pipeline)).satisfies(r -> {
            assertThat(r.getMessage()).contains("'greedy'");
            assertThat(r.getThrown()).hasMessageContaining("'greedy' called proceed() twice");
        });
    }

    @Test
    void aStepThatReturnsNullIsNamed() {
        Pipeline pipeline = new Pipeline(List.of(step("sloppy", (ex, chain) -> null)));
        assertThat(internalErrorLog(pipeline).getMessage()).contains("'sloppy' returned null");
    }

    @Test
    void theLastStepMayNotProceed() {
        Pipeline pipeline = new Pipeline(List.of(step("lonely", (ex, chain) -> chain.proceed(ex))));
        assertThat(internalErrorLog(pipeline).getThrown()).hasMessageContaining("'lonely' is last");
    }

    @Test
    void anErrorIsNotSwallowed() {
        Pipeline pipeline = new Pipeline(List.of(step("doomed", (ex, chain) -> {
            throw new StackOverflowError("deep");
        })));
        assertThatThrownBy(() -> pipeline.run(EXCHANGE)).isInstanceOf(StackOverflowError.class);
    }

    /** Runs the pipeline, which must answer an internal error; returns the one record it logged. */
    private static LogRecord internalErrorLog(Pipeline pipeline) {
        List<LogRecord> logged = logged(() -> assertThat(pipeline.run(EXCHANGE)).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.error().kind()).isEqualTo(ErrorKind.INTERNAL)));
        assertThat(logged).hasSize(1);
        return logged.getFirst();
    }

    /** What the pipeline logs while {@code action} runs. */
    static List<LogRecord> logged(Runnable action) {
        Logger logger = Logger.getLogger(Pipeline.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parents);
        }
        return records;
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
