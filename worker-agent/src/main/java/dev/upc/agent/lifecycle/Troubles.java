package dev.upc.agent.lifecycle;

import org.jboss.logging.Logger;

/**
 * The agent's latest trouble with the registry or the scheduler, for its status and readiness: logged once however
 * often a loop runs into it, and cleared when a heartbeat goes through.
 */
final class Troubles {

    private static final Logger LOG = Logger.getLogger(Troubles.class);

    private volatile String last;

    void report(String message) {
        if (!message.equals(last)) {
            LOG.warn(message);
        }
        last = message;
    }

    void clear() {
        last = null;
    }

    /** The latest trouble, or null when there is none. */
    String last() {
        return last;
    }
}
