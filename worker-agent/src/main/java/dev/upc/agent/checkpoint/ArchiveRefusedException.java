package dev.upc.agent.checkpoint;

import java.io.IOException;

/**
 * A checkpoint archive this PC will not restore: it asks for more than the job's own container would have, or is
 * built so that podman would write outside the container. Fetching it again does not help; the job rolls back.
 */
public final class ArchiveRefusedException extends IOException {

    public ArchiveRefusedException(String message) {
        super("checkpoint refused: " + message);
    }
}
