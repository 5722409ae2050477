package dev.quarry.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A call on the platform rather than on a model: the action, what it acts on, and the handler
 * that does it once the caller is authenticated and authorized.
 *
 * @param body    the request's JSON body, read and parsed when first asked (never for a stranger:
 *                nothing asks before authentication)
 * @param handler does the call; its reply is opaque to the gateway (the surface's wire reply)
 */
public record PlatformCall(String action, Target target, Supplier<ObjectNode> body, Handler handler) implements Call {

    public PlatformCall {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
    }

    @FunctionalInterface
    public interface Handler {
        Object handle(PlatformContext context);
    }

    /** What the call acts on, as policies name it ({@code type/name}). */
    public sealed interface Target {
        /** The resource it is authorized on first. */
        String resource();

        /** Known from the path (or a whole collection, {@code type/*}), before anything is read. */
        record Known(String resource) implements Target {}

        /**
         * Named in the body: {@code name} reads it (and normalises it as the store will) from the
         * parsed body. Read by the decode step, after authentication; until then the call stands
         * for {@code type/*}.
         */
        record InBody(String type, Function<ObjectNode, String> name) implements Target {
            public String resource() {
                return type + "/*";
            }
        }

        /** Read from the body: {@code type/name}. */
        record Named(String type, String name) implements Target {
            public String resource() {
                return type + "/" + name;
            }
        }

        /**
         * The body could not be read: the call is authorized on {@code type/*}, and only then
         * refused with {@code problem}, so that a caller refused that learns nothing from the
         * complaint about its body.
         */
        record Unreadable(String type, QuarryException problem) implements Target {
            public String resource() {
                return type + "/*";
            }
        }
    }

    public String resource() {
        return target.resource();
    }

    /** The name read from the body, as authorized; {@code null} when the target is not named in the body. */
    public String name() {
        return target instanceof Target.Named named ? named.name() : null;
    }

    /** This call with a name in its body read: what the decode step makes of it. */
    public PlatformCall decoded() {
        if (!(target instanceof Target.InBody inBody)) return this;
        Target read;
        try {
            read = new Target.Named(inBody.type(), inBody.name().apply(body.get()));
        } catch (QuarryException e) {
            read = new Target.Unreadable(inBody.type(), e);
        }
        return new PlatformCall(action, read, body, handler);
    }
}
