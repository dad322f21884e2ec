package dev.upc.agent.libpod;

import java.io.IOException;

/**
 * The whole HTTP layer between the agent and Podman: one exchange, one method. Typed operations,
 * error mapping and JSON live above it in {@link LibpodClient}, so another transport (TCP, a fake
 * for cases a real libpod cannot produce) passes the same tests.
 */
public interface LibpodTransport {

    /**
     * Sends the request and returns once the response head has arrived. The caller owns the response
     * and must close it; its body is streamed from the connection, never buffered whole.
     *
     * @throws LibpodTimeoutException     when the response head or the next body byte did not come in time
     * @throws LibpodUnreachableException when there is no service listening
     * @throws IOException                for any other transport failure
     */
    LibpodResponse exchange(LibpodRequest request) throws IOException;
}
