package dev.quarry.provider.aws;

import dev.quarry.aws.AwsRegions;
import dev.quarry.provider.ProviderOption;
import dev.quarry.provider.ProviderSettings;
import java.net.URI;
import java.util.function.Function;

/**
 * Where an AWS provider calls: its region, and the base URL with the host and base path a signature covers.
 *
 * @param host     the authority as the {@code Host} header carries it: the port only when the URL names one
 * @param basePath the base URL's path without a trailing {@code /} ({@code /openai/v1}, or empty)
 * @param query    the base URL's raw query, or empty: the HTTP client sends it with every call, so signatures cover it
 */
public record AwsEndpoint(String region, URI baseUrl, String host, String basePath, String query) {
    /** The region option; else the {@code AWS_REGION} environment variable. One provider serves one region. */
    public static final ProviderOption REGION = new ProviderOption.Text("region");
    /** What a regional default base URL writes where the region goes. */
    private static final String REGION_PLACEHOLDER = "REGION";

    /**
     * @param regionalDefault the type's default base URL with {@code REGION} for the region: a
     *                        configuration without {@code base_url} gets it as it is, since a
     *                        configuration default cannot know the region, and it is filled in here
     * @throws IllegalArgumentException without a region, or for one AWS does not have
     */
    public static AwsEndpoint of(ProviderSettings settings, Function<String, String> env, String regionalDefault) {
        String region = settings.option(REGION.name(), null);
        if (region == null || region.isBlank()) region = env.apply("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type " + settings.type() + ") has no region: set its "
                    + "region option (e.g. region: us-east-1) or the environment variable AWS_REGION.");
        }
        region = region.strip();
        // The region becomes part of a host name and of every signature's scope. Only its shape is checked:
        // calling out, a partition (us-iso-east-1) or a region newer than Quarry's list must work.
        if (!AwsRegions.isWellFormed(region)) {
            throw new IllegalArgumentException("provider '" + settings.name() + "' (type " + settings.type() + ") has region '" + region
                    + "', which is not an AWS region (such as us-east-1 or eu-central-1).");
        }
        URI baseUrl = regionalDefault.equals(settings.baseUrl().toString())
                ? URI.create(regionalDefault.replace(REGION_PLACEHOLDER, region)) : settings.baseUrl();
        String host = baseUrl.getPort() < 0 ? baseUrl.getHost() : baseUrl.getHost() + ":" + baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return new AwsEndpoint(region, baseUrl, host, path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
                baseUrl.getRawQuery() == null ? "" : baseUrl.getRawQuery());
    }

    /** The same settings, calling this endpoint's base URL. */
    public ProviderSettings settings(ProviderSettings settings) {
        return new ProviderSettings(settings.name(), settings.type(), baseUrl, settings.apiKey(), settings.connectTimeout(),
                settings.readTimeout(), settings.options());
    }
}
