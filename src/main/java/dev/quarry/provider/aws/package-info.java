/**
 * What the providers that call AWS endpoints share ({@code bedrock}, {@code bedrock-mantle}): the
 * region and its default endpoint, and how a call proves who Quarry is (a Bedrock API key, or SigV4
 * with access keys from named environment variables or from the AWS SDK's default credential chain).
 * This is the only package that uses the AWS SDK, and only its credential providers; calls go out
 * through {@link dev.quarry.provider.UpstreamHttp} and are signed with {@link dev.quarry.aws.SigV4}.
 */
package dev.quarry.provider.aws;
