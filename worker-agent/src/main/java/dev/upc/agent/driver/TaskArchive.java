package dev.upc.agent.driver;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.time.Duration;

/** A task's checkpoint streaming out of the driver. Read it to the end and close it; closing early abandons it. */
public final class TaskArchive extends FilterInputStream {

    private final Duration dumpedAfter;

    public TaskArchive(InputStream bytes, Duration dumpedAfter) {
        super(bytes);
        this.dumpedAfter = dumpedAfter;
    }

    /** Time from the request until the first byte could move: the dump, and the packing of the archive. */
    public Duration dumpedAfter() {
        return dumpedAfter;
    }
}
