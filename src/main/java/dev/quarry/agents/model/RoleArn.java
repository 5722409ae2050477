package dev.quarry.agents.model;

import java.util.Objects;

/**
 * The role a session created on Amazon Bedrock's tree runs as, as its {@code role_arn} names it.
 *
 * @param arn  the value as given ({@code arn:aws:iam::<account>:role/NAME} or {@code role/NAME}), shown back on the session
 * @param name the Quarry role it names
 */
public record RoleArn(String arn, String name) {
    public RoleArn {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(name, "name");
    }
}
