package dev.upc.agent.job;

import dev.upc.agent.libpod.uds.ScriptedLibpodServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One container's log as libpod 4.3.1 serves it (observed with curl on this machine), for a
 * {@link ScriptedLibpodServer}: {@code logs?follow=true} sends no head before the first output, then one frame per
 * entry as the container prints, and ends only when the container dies; a checkpoint that stops the container does
 * not end it; a follow opened while the container is paused sends what there is and ends (one already open goes
 * on). {@code logs} without follow sends what there is and ends. Frames go out split at random places into
 * HTTP chunks, so the client sees frames cut anywhere. Inspect ({@code /json}) says whether it runs.
 */
final class ScriptedContainerLog implements ScriptedLibpodServer.Handler {

    private final List<byte[]> frames = new ArrayList<>();
    private final Random random = new Random(15);
    private boolean running = true;
    private boolean paused;
    private boolean died;
    final AtomicInteger follows = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    /** Follows still being answered. */
    final AtomicInteger openFollows = new AtomicInteger();

    /** The container prints one log entry ({@code stream} 1 stdout, 2 stderr); the payload carries its timestamp. */
    void print(int stream, String payload) {
        print(stream, payload.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void print(int stream, byte[] payload) {
        frames.add(frame(stream, payload));
        notifyAll();
    }

    /** The container exits: follows send what is left and end. */
    synchronized void exit() {
        running = false;
        died = true;
        notifyAll();
    }

    /** A checkpoint stops the container: it no longer runs, but follows do not end (podman waits for a death). */
    synchronized void checkpoint() {
        running = false;
        notifyAll();
    }

    /** {@code podman pause}, and unpause. */
    synchronized void paused(boolean value) {
        paused = value;
        notifyAll();
    }

    synchronized int printed() {
        return frames.size();
    }

    @Override
    public void answer(ScriptedLibpodServer.Request request, InputStream body, ScriptedLibpodServer.Response response)
            throws Exception {
        String path = request.path();
        if (path.endsWith("/json")) {
            boolean runs;
            String status;
            synchronized (this) {
                runs = running && !paused;
                status = paused ? "paused" : running ? "running" : "exited";
            }
            response.json(200, "{\"Id\":\"c0ffee\",\"Name\":\"x\",\"State\":{\"Status\":\"" + status
                    + "\",\"Running\":" + runs + "}}");
        } else if (path.endsWith("/logs")) {
            boolean follow = request.target().contains("follow=true");
            (follow ? follows : reads).incrementAndGet();
            if (follow) {
                openFollows.incrementAndGet();
            }
            try {
                streamLog(response, follow);
            } finally {
                if (follow) {
                    openFollows.decrementAndGet();
                }
            }
        } else {
            response.json(404, "{\"cause\":\"no such container\",\"message\":\"no such container\",\"response\":404}");
        }
    }

    private void streamLog(ScriptedLibpodServer.Response response, boolean follow) throws Exception {
        int sent = 0;
        boolean headSent = false;
        boolean endsAtOnce;
        synchronized (this) {
            endsAtOnce = !follow || paused;
        }
        while (true) {
            List<byte[]> batch;
            boolean end;
            synchronized (this) {
                while (!endsAtOnce && sent == frames.size() && !died) {
                    wait();
                }
                batch = new ArrayList<>(frames.subList(sent, frames.size()));
                sent = frames.size();
                end = endsAtOnce || died;
            }
            if (!headSent) {
                response.head(200, "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
                headSent = true;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            batch.forEach(bytes::writeBytes);
            byte[] all = bytes.toByteArray();
            for (int at = 0; at < all.length; ) {
                int n;
                synchronized (random) {
                    n = Math.min(1 + random.nextInt(3000), all.length - at);
                }
                response.chunk(all, at, n);
                at += n;
            }
            if (end) {
                response.lastChunk();
                return;
            }
        }
    }

    static byte[] frame(int stream, byte[] payload) {
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (payload.length >>> 24);
        frame[5] = (byte) (payload.length >>> 16);
        frame[6] = (byte) (payload.length >>> 8);
        frame[7] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }
}
