package dev.upc.cli.client;

/** Told how far an upload or a download got, a few times a second at most; the client itself never prints. */
@FunctionalInterface
public interface TransferListener {

    TransferListener NONE = (done, total) -> {
    };

    /**
     * @param done  bytes sent or received so far
     * @param total the body's size, or -1 when unknown
     */
    void transferred(long done, long total);
}
