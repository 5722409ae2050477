package dev.quarry.agents.environment;

/** Why an executor call failed. Messages name paths and causes, never file contents or secrets. */
public sealed abstract class ExecutorException extends RuntimeException {
    ExecutorException(String message) {
        super(message, null, false, false);
    }

    /** The executor is gone (socket closed, process died): its processes ended with it. */
    public static final class Disconnected extends ExecutorException {
        public Disconnected(String message) {
            super(message);
        }
    }

    /** The executor answered the call with an error: a missing file, a refused argument. */
    public static final class Refused extends ExecutorException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The calling thread was interrupted while it waited; the interrupt flag is set again. */
    public static final class Interrupted extends ExecutorException {
        public Interrupted(String message) {
            super(message);
        }
    }
}
