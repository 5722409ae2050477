package dev.quarry.provider.aws;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/** Where the access keys that sign a provider's calls come from; asked once per call. */
public sealed interface AwsCredentialSource {

    /**
     * The keys to sign the next call with.
     *
     * @throws QuarryException when no keys can be had, naming the provider and what was tried
     */
    AwsCredentials current();

    /** Keys read once, at start-up, from environment variables: they never change while Quarry runs. */
    record Fixed(AwsCredentials credentials) implements AwsCredentialSource {
        @Override
        public AwsCredentials current() {
            return credentials;
        }
    }

    /**
     * Keys from an AWS SDK credentials provider, normally its default chain: system properties,
     * environment, profile file, web identity, container (ECS, EKS Pod Identity) and instance roles.
     * The SDK caches what it finds and fetches temporary keys again shortly before they expire, so
     * a call makes a network round trip for its keys only when they are due for renewal.
     *
     * <p>A chain that found nothing is not asked again for {@link #PAUSE_AFTER_FAILURE}: the SDK
     * keeps no failure, so every call would walk the whole chain again, each one asking the
     * container or instance metadata endpoint (with the SDK's retries, seconds when it does not
     * answer) while every deployment on the provider still takes requests.
     */
    final class Sdk implements AwsCredentialSource {
        /** How long calls fail at once after the chain found nothing, before it is asked again. */
        public static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(5);
        private static final Logger LOG = Logger.getLogger(AwsCredentialSource.class.getName());

        private record Failure(QuarryError error, Instant until) {}

        private final String providerName;
        private final AwsCredentialsProvider provider;
        private final Clock clock;
        private volatile Failure lastFailure;

        public Sdk(String providerName, AwsCredentialsProvider provider, Clock clock) {
            this.providerName = providerName;
            this.provider = provider;
            this.clock = clock;
        }

        /**
         * The SDK's default chain, one per provider so that each caches its own keys. Nothing is
         * looked up here: instance and container roles need the network, which start-up must not wait on.
         */
        public static Sdk defaultChain(String providerName) {
            return new Sdk(providerName, DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
        }

        @Override
        public AwsCredentials current() {
            Failure failed = lastFailure;
            if (failed != null && clock.instant().isBefore(failed.until())) throw new QuarryException(failed.error());
            software.amazon.awssdk.auth.credentials.AwsCredentials found;
            try {
                found = provider.resolveCredentials();
            } catch (SdkException e) {
                // What the chain tried describes this server (profile names, file paths, role ARNs): the operator's to read, not the caller's.
                LOG.warning(() -> "Provider '" + providerName + "' has no AWS credentials; the AWS SDK's default chain said: " + e.getMessage());
                QuarryError error = QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, "Provider '" + providerName
                        + "' has no AWS credentials: the AWS SDK's default chain found none (the server log says what it tried). Give the "
                        + "provider a Bedrock API key with api_key_env, or access keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                        + "Quarry with an AWS profile, web identity, or a container or instance role.");
                lastFailure = new Failure(error, clock.instant().plus(PAUSE_AFTER_FAILURE));
                throw new QuarryException(error, e);
            }
            if (failed != null) lastFailure = null;
            String token = found instanceof AwsSessionCredentials session ? session.sessionToken() : null;
            return new AwsCredentials(found.accessKeyId(), found.secretAccessKey(), token);
        }
    }
}
