package dev.quarry.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Keys from an AWS SDK credentials provider, here a stand-in for the default chain that fails
 * (as the real one does when it finds nothing, saying what it tried: profile names, file paths,
 * role ARNs) until told to succeed.
 */
class AwsCredentialSourceTest {
    /** What the SDK's chain says when it finds nothing: a description of the server's own set-up. */
    private static final String WHAT_THE_CHAIN_TRIED = "ProfileCredentialsProvider(profileName=team-prod-admin): role_arn "
            + "arn:aws:iam::123456789012:role/quarry-prod, WebIdentityTokenFileCredentialsProvider(): "
            + "java.nio.file.NoSuchFileException: /var/run/secrets/eks.amazonaws.com/serviceaccount/token";

    private final TestClock clock = new TestClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicBoolean keysAvailable = new AtomicBoolean();
    private final AwsCredentialsProvider chain = () -> {
        asked.incrementAndGet();
        if (!keysAvailable.get()) throw SdkClientException.create("Unable to load credentials from any of the providers in the chain: "
                + WHAT_THE_CHAIN_TRIED);
        return AwsBasicCredentials.create("AKIDFOUND", "found-secret");
    };
    private final AwsCredentialSource.Sdk source = new AwsCredentialSource.Sdk("aws-gpt", chain, clock);

    private final Logger log = Logger.getLogger(AwsCredentialSource.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureTheLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        log.removeHandler(capture);
    }

    @Test
    void whatTheChainTriedGoesToTheServerLogNotToTheCaller() {
        assertThatThrownBy(source::current).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
            assertThat(e.getMessage()).contains("'aws-gpt'").contains("has no AWS credentials").contains("server log")
                    .doesNotContain("team-prod-admin").doesNotContain("123456789012").doesNotContain("/var/run/secrets");
        });

        assertThat(logged).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("'aws-gpt'").contains(WHAT_THE_CHAIN_TRIED);
        });
    }

    @Test
    void aChainThatFoundNothingIsNotAskedAgainForAWhileAndThenIs() {
        assertThatThrownBy(source::current).isInstanceOf(QuarryException.class);
        for (int i = 0; i < 10; i++) {
            clock.advance(AwsCredentialSource.Sdk.PAUSE_AFTER_FAILURE.dividedBy(20));
            assertThatThrownBy(source::current).as("call %d in the pause", i).isInstanceOfSatisfying(QuarryException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
                assertThat(e.getMessage()).contains("has no AWS credentials");
            });
        }
        assertThat(asked).as("asked once for eleven calls").hasValue(1);
        assertThat(logged).as("logged once").hasSize(1);

        keysAvailable.set(true);
        clock.advance(AwsCredentialSource.Sdk.PAUSE_AFTER_FAILURE);

        assertThat(source.current()).isEqualTo(new AwsCredentials("AKIDFOUND", "found-secret", null));
        assertThat(source.current().accessKeyId()).isEqualTo("AKIDFOUND");
        assertThat(asked).as("asked again once the pause was over, and every call since").hasValue(3);
    }
}
