package dev.quarry.aws;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The AWS regions a SigV4 signature may be scoped to. AWS itself refuses a signature scoped to a
 * region that does not exist; Quarry does the same, because the signed region becomes the
 * {@code quarry:RequestedRegion} condition key, and a residency policy such as
 * {@code StringLike eu-*} must not be met by a made-up {@code eu-anything-i-like}.
 */
public final class AwsRegions {
    /** The commercial, GovCloud, China and European Sovereign Cloud regions, as AWS lists them at the end of 2026. */
    private static final Set<String> KNOWN = Set.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "af-south-1",
            "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ca-central-1", "ca-west-1",
            "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
            "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
            "us-gov-east-1", "us-gov-west-1",
            "cn-north-1", "cn-northwest-1",
            "eusc-de-east-1");

    /**
     * The shape of a region name: partition words then a number (us-east-1, us-iso-east-1,
     * eusc-de-east-1). Enough where a region only names a host to call, as for an upstream in a
     * partition or a region newer than {@link #KNOWN}: it cannot smuggle a host, port or path.
     */
    private static final Pattern SHAPE = Pattern.compile("[a-z]{2,5}(-[a-z]{2,10}){1,3}-[0-9]{1,2}");

    private AwsRegions() {}

    public static boolean isKnown(String region) {
        return KNOWN.contains(region);
    }

    public static boolean isWellFormed(String region) {
        return SHAPE.matcher(region).matches();
    }
}
