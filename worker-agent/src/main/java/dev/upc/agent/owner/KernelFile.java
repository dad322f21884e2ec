package dev.upc.agent.owner;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A small kernel file (procfs, cgroupfs) read again and again, twice a second, through one open channel into one
 * buffer: the kernel regenerates it at every read from position 0. Opening and reading it afresh each time through
 * {@code Files.readString} cost about 1.1 ms of CPU per sample on a cold idle agent, this about 0.2 ms. A file that
 * is not there yet (a cgroup made with the first job) is looked for again at the next read; a failed read closes the
 * channel, so the next one opens the file afresh (a cgroup removed and made again).
 */
final class KernelFile implements Closeable {

    private final Path path;
    private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    private FileChannel channel;

    KernelFile(Path path) {
        this.path = path;
    }

    /** The file's text now, or empty when there is no such file. */
    synchronized Optional<String> read() throws IOException {
        try {
            if (channel == null) {
                channel = FileChannel.open(path);
            }
            buffer.clear();
            long position = 0;
            int n;
            while (buffer.hasRemaining() && (n = channel.read(buffer, position)) > 0) {
                position += n;
            }
            return Optional.of(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            channel = null;
        }
    }
}
