package dev.upc.agent.control;

import java.io.IOException;

/**
 * A blob whose bytes are not the ones its writer stored (their sha256 differs): damaged on the store's disk or
 * replaced. Fetching it again brings the same bytes; whoever relies on it has to do without it.
 */
public final class DamagedBlobException extends IOException {

    public DamagedBlobException(String message) {
        super(message);
    }
}
