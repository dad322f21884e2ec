package dev.upc.e2e.pc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network link that a test can cut and heal: a TCP relay on a loopback port of its own in front of one service, which
 * a simulated PC's agent is pointed at instead of the service. {@link #cut()} drops every connection through it and
 * refuses new ones, as a PC whose cable was pulled sees it (calls fail; nothing reaches the service); {@link #heal()}
 * lets connections through again on the same port. The agent, its podman and its jobs run on unaware.
 */
public final class Partition implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean cut;
    private volatile boolean closed;

    private Partition(InetSocketAddress target) throws IOException {
        this.target = target;
        ServerSocket first = listen(0);
        this.port = first.getLocalPort();
        accept(first);
    }

    /** A healed link to the service at {@code service} ({@code http://host:port}). */
    public static Partition to(URI service) {
        try {
            return new Partition(new InetSocketAddress(service.getHost(), service.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's URL through this link. */
    public URI url(URI service) {
        return URI.create(service.getScheme() + "://127.0.0.1:" + port);
    }

    /**
     * Drops every connection through the link and refuses new ones until {@link #heal()}; not a byte passes from now
     * on, not even on a connection that was being set up or an answer already on its way.
     */
    public synchronized void cut() {
        cut = true;
        ServerSocket listening = server;
        server = null;
        closeQuietly(listening);
        open.forEach(Partition::closeQuietly);
        open.clear();
    }

    /** Lets connections through again, on the same port. */
    public synchronized void heal() {
        if (server != null || closed) {
            return;
        }
        try {
            cut = false;
            accept(listen(port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " again", e);
        }
    }

    public boolean isCut() {
        return cut;
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void accept(ServerSocket listening) {
        server = listening;
        Thread acceptor = new Thread(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    relay(client);
                } catch (IOException e) {
                    return; // cut or closed
                }
            }
        }, "partition-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void relay(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (cut) { // cut while it was being set up
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0 && !cut; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut, or the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "partition-" + port + "-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }
}
