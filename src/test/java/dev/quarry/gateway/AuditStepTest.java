package dev.quarry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.audit.AuditQueries;
import dev.quarry.audit.SigningKey;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.StoreTargets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit step records every call however it ends: a fault of a step below it, or even an Error, leaves an event. */
class AuditStepTest {
    private static final Principal CALLER = new Principal("p-1", "caller", PrincipalKind.USER, Map.of());

    private Database db;
    private AuditLog audit;

    @BeforeEach
    void open() throws Exception {
        Clock clock = Clock.systemUTC();
        db = Database.open(StoreTargets.freshUrl("sqlite"));
        Path dir = Files.createTempDirectory("quarry-audit-");
        audit = new AuditLog(db, SigningKey.inDataDir(dir), AuditAnchor.inDataDir(dir), clock, 100, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        audit.close();
        db.close();
    }

    @Test
    void aStepsFailureIsAuditedAsAnInternalErrorOfThePlatformCallOnItsResource() {
        PlatformCall call = new PlatformCall("quarry:ListPolicies", new PlatformCall.Target.Known("policy/*"), () -> null, context -> {
            throw new IllegalStateException("store query failed");
        });
        Pipeline pipeline = new Pipeline(List.of(new AuditStep(audit, Clock.systemUTC()), known(), new PerformStep()));
        Outcome outcome = pipeline.run(Exchange.platform("req_a", "admin", call, Credential.NONE, "10.0.0.1", "ua"));

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(event("req_a")).extracting(AuditEvent::principalName, AuditEvent::action, AuditEvent::resource, AuditEvent::decision,
                AuditEvent::errorCode).containsExactly("caller", "quarry:ListPolicies", "policy/*", "error", "INTERNAL");
    }

    @Test
    void anErrorEscapingTheStepsIsStillAudited() {
        PlatformCall call = new PlatformCall("quarry:ListPolicies", new PlatformCall.Target.Known("policy/*"), () -> null, context -> {
            throw new OutOfMemoryError("simulated");
        });
        Pipeline pipeline = new Pipeline(List.of(new AuditStep(audit, Clock.systemUTC()), known(), new PerformStep()));
        assertThatThrownBy(() -> pipeline.run(Exchange.platform("req_b", "admin", call, Credential.NONE, "10.0.0.1", "ua")))
                .isInstanceOf(OutOfMemoryError.class);

        assertThat(event("req_b")).extracting(AuditEvent::action, AuditEvent::decision, AuditEvent::errorCode)
                .containsExactly("quarry:ListPolicies", "error", "INTERNAL");
    }

    @Test
    void anAnswerIsNotLostWhenTheAuditLogRefusesItsEvent() {
        PlatformCall call = new PlatformCall("quarry:ListPolicies", new PlatformCall.Target.Known("policy/*"), () -> null, context -> "the reply");
        Pipeline pipeline = new Pipeline(List.of(new AuditStep(audit, Clock.systemUTC()), known(), new PerformStep()));
        audit.close();

        Outcome outcome = pipeline.run(Exchange.platform("req_c", "admin", call, Credential.NONE, "10.0.0.1", "ua"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Performed.class, performed -> assertThat(performed.reply()).isEqualTo("the reply"));
    }

    /** Stands in for authentication: the caller is known. */
    private static Step known() {
        return new Step() {
            @Override
            public String name() {
                return "known";
            }

            @Override
            public Outcome apply(Exchange exchange, Chain chain) {
                return chain.proceed(exchange.withPrincipal(CALLER));
            }
        };
    }

    private AuditEvent event(String requestId) {
        return Eventually.theOne(() -> new AuditQueries(db).find(null, null, null, null, null, 10).stream()
                .filter(e -> requestId.equals(e.requestId())).toList());
    }
}
