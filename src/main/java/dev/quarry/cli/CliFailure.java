package dev.quarry.cli;

/** A command that could not do its work, said in one line; {@link Main} prints it and exits 1. */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
