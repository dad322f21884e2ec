package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.io.IOException;

/** One way of telling whether the PC's owner is using it. Called every few seconds, so it must be cheap (a few ms). */
public interface OwnerDetector {

    /** Short name for logs and configuration, e.g. {@code logind}. */
    String name();

    /** The owner's state as this detector sees it now. */
    OwnerState sample() throws IOException;
}
