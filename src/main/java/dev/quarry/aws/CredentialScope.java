package dev.quarry.aws;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** The {@code date/region/service/aws4_request} part of a SigV4 credential: where a signature is valid. */
public record CredentialScope(LocalDate date, String region, String service) {
    static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final String TERMINATOR = "aws4_request";

    public CredentialScope {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(service, "service");
    }

    /** Parses {@code 20150830/us-east-1/service/aws4_request}. */
    static CredentialScope parse(String text) throws SigV4Exception {
        String[] parts = text.split("/", -1);
        if (parts.length != 4 || !TERMINATOR.equals(parts[3]) || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE,
                    "Credential should be scoped to a valid date, region and service: expected 'DATE/REGION/SERVICE/aws4_request', got '" + text + "'.");
        }
        try {
            return new CredentialScope(LocalDate.parse(parts[0], DATE), parts[1], parts[2]);
        } catch (DateTimeParseException e) {
            throw new SigV4Exception(SigV4Exception.Problem.INCOMPLETE, "Credential should be scoped to a valid date: '" + parts[0] + "'.");
        }
    }

    @Override
    public String toString() {
        return DATE.format(date) + "/" + region + "/" + service + "/" + TERMINATOR;
    }
}
