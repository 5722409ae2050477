package dev.quarry.provider.aws;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
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
     */
    record Sdk(String providerName, AwsCredentialsProvider provider) implements AwsCredentialSource {
        /**
         * The SDK's default chain, one per provider so that each caches its own keys. Nothing is
         * looked up here: instance and container roles need the network, which start-up must not wait on.
         */
        public static Sdk defaultChain(String providerName) {
            return new Sdk(providerName, DefaultCredentialsProvider.builder().build());
        }

        @Override
        public AwsCredentials current() {
            software.amazon.awssdk.auth.credentials.AwsCredentials found;
            try {
                found = provider.resolveCredentials();
            } catch (SdkException e) {
                throw new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_UNAVAILABLE, "Provider '" + providerName
                        + "' has no AWS credentials: the AWS SDK's default chain found none (" + e.getMessage() + "). Give the provider "
                        + "a Bedrock API key with api_key_env, or access keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                        + "Quarry with an AWS profile, web identity, or a container or instance role."), e);
            }
            String token = found instanceof AwsSessionCredentials session ? session.sessionToken() : null;
            return new AwsCredentials(found.accessKeyId(), found.secretAccessKey(), token);
        }
    }
}
