package dev.upc.agent.job;

import dev.upc.agent.libpod.LibpodException;

/** A failure in one line for events and logs: its message and its causes' new words, down to libpod's answer. */
final class Failures {

    private Failures() {
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
            if (cause instanceof LibpodException) {
                break;
            }
        }
        return text.toString();
    }
}
