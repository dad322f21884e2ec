package dev.upc.agent.libpod.uds;

import dev.upc.agent.libpod.LibpodTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Unbuffered writes to the socket; wrap it in a buffer. Reports progress to the exchange's watch. */
final class ChannelOutput extends OutputStream {

    private final SocketChannel channel;
    private final ExchangeWatch watch;
    private final String operation;

    ChannelOutput(SocketChannel channel, ExchangeWatch watch, String operation) {
        this.channel = channel;
        this.watch = watch;
        this.operation = operation;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer source = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (source.hasRemaining()) {
                if (channel.write(source) > 0) {
                    watch.progress();
                }
            }
        } catch (IOException e) {
            if (watch.expired()) {
                throw new LibpodTimeoutException(operation, watch.describe());
            }
            throw e;
        }
    }
}
