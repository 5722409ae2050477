package dev.quarry.agents.model;

import java.util.List;
import java.util.Objects;

/**
 * Where a session's agent acts: nowhere (it only talks and calls its tools), a machine of the
 * team's own running {@code codex exec-server}, or a sandboxed folder on the Quarry node itself.
 */
public sealed interface EnvironmentSpec {
    /** The wire name of the type ({@code environment.type}). */
    String type();

    /** The harness tools a person must approve each call of ({@code quarry_require_approval}). */
    default List<String> requireApproval() {
        return List.of();
    }

    /** No environment: the agent has no shell or files. */
    record None() implements EnvironmentSpec {
        public String type() { return "none"; }
    }

    /**
     * A machine of the team's own where the stock {@code codex exec-server} runs.
     *
     * @param workspaceDirectory    the absolute folder every path of the agent's is confined to
     * @param capabilityDirectories absolute folders whose {@code <name>/SKILL.md} are the agent's skills
     * @param connect               how Quarry and the executor find each other
     */
    record SelfHosted(String workspaceDirectory, List<String> capabilityDirectories, Connect connect, List<String> requireApproval)
            implements EnvironmentSpec {
        public SelfHosted {
            Objects.requireNonNull(workspaceDirectory, "workspaceDirectory");
            Objects.requireNonNull(connect, "connect");
            capabilityDirectories = List.copyOf(capabilityDirectories);
            requireApproval = List.copyOf(requireApproval);
        }

        public String type() { return "self_hosted"; }

        public SelfHosted withConnect(Connect newConnect) {
            return new SelfHosted(workspaceDirectory, capabilityDirectories, newConnect, requireApproval);
        }
    }

    /** How Quarry reaches a self-hosted executor. */
    sealed interface Connect {
        /**
         * Quarry dials an executor that listens ({@code quarry_connect}).
         *
         * @param url   {@code ws://} or {@code wss://}
         * @param token the capability token the executor was started with: {@link Secret.Plain} only between
         *              the request and the store, which keeps it {@link Secret.Sealed}
         */
        record Listening(String url, Secret token) implements Connect {
            public Listening {
                Objects.requireNonNull(url, "url");
            }
        }

        /** The executor dials Quarry ({@code codex exec-server --remote}). */
        record DialOut() implements Connect {}
    }

    /** A secret a spec carries: in the clear only between the request and the store. */
    sealed interface Secret {
        record Plain(String value) implements Secret {
            public Plain {
                Objects.requireNonNull(value, "value");
            }

            @Override
            public String toString() {
                return "Plain[redacted]";
            }
        }

        record Sealed(String blob) implements Secret {}
    }

    /**
     * A folder on the Quarry node under its data folder, where commands run in a sandbox.
     *
     * @param network whether commands may reach the network (off by default)
     */
    record QuarryLocal(boolean network, LocalLimits limits, List<String> requireApproval) implements EnvironmentSpec {
        public QuarryLocal {
            Objects.requireNonNull(limits, "limits");
            requireApproval = List.copyOf(requireApproval);
        }

        public String type() { return "quarry_local"; }
    }

    /** What one command in a {@link QuarryLocal} environment may use. */
    record LocalLimits(int memoryMb, int cpuSeconds, int processes, int diskMb) {
        public static final LocalLimits DEFAULT = new LocalLimits(1024, 600, 256, 2048);
    }
}
