package dev.upc.agent.libpod;

import java.io.FilterInputStream;
import java.io.IOException;

/**
 * A container's log as libpod streams it: frames of stdout and stderr ({@link LogFrameDecoder} reads them). Closing it
 * ends the exchange, also from another thread while a read waits: that is how a follow is stopped.
 */
public final class LogStream extends FilterInputStream {

    private final LibpodResponse response;

    LogStream(LibpodResponse response) {
        super(response.body());
        this.response = response;
    }

    @Override
    public void close() throws IOException {
        response.close();
    }
}
