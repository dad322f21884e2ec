package dev.upc.agent.libpod;

import java.io.IOException;
import java.time.Duration;

/**
 * An archive streaming out of libpod: a checkpoint (an uncompressed tar) or an image. Read it to the
 * end and close it; closing early abandons the transfer.
 */
public final class ArchiveStream extends CountingInput {

    private final LibpodResponse response;
    private final Duration answeredAfter;

    ArchiveStream(LibpodResponse response, Duration answeredAfter) {
        super(response.body());
        this.response = response;
        this.answeredAfter = answeredAfter;
    }

    /**
     * Time from the request until libpod started answering. For a checkpoint this is the CRIU dump
     * and the packing of the archive on libpod's side: the job's downtime before any byte moves.
     */
    public Duration answeredAfter() {
        return answeredAfter;
    }

    /** Bytes read so far. */
    public long bytes() {
        return count();
    }

    @Override
    public void close() throws IOException {
        response.close();
    }
}
