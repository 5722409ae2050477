package dev.quarry.policy;

import dev.quarry.canonical.QuarryException;
import java.util.Locale;

/** What a policy is attached to: a principal or a group, by name. */
public record PolicyTarget(Type type, String name) {
    public enum Type {
        PRINCIPAL, GROUP;

        /** The spelling in the store and the admin API: {@code principal}, {@code group}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws QuarryException a 400 naming {@code param} for anything but principal or group */
        public static Type of(String wire, String param) {
            for (Type t : values()) if (t.wire().equals(wire)) return t;
            throw QuarryException.invalid(param, "'" + wire + "' is not a target type: use \"principal\" or \"group\".");
        }
    }

    public static PolicyTarget principal(String name) {
        return new PolicyTarget(Type.PRINCIPAL, name);
    }

    public static PolicyTarget group(String name) {
        return new PolicyTarget(Type.GROUP, name);
    }

    @Override
    public String toString() {
        return type.wire() + "/" + name;
    }
}
