package dev.upc.cli.render;

import dev.upc.cli.client.TransferListener;
import java.io.PrintStream;

/**
 * A progress line on stderr for a big upload or download: redrawn in place on a terminal ("upc: uploading data.bin
 * 45% of 1.2 GiB, 95 MiB/s"), one summary line at the end elsewhere. Small transfers stay silent: they are over
 * before anyone could read a progress line.
 */
public final class TransferProgress implements TransferListener {

    /** Below this a transfer takes well under a second on a LAN. */
    public static final long BIG = 32L << 20;

    private final PrintStream err;
    private final boolean terminal;
    private final String verb;
    private final String what;
    private final long started = System.nanoTime();
    private long done;
    private long total = -1;
    private boolean drawn;

    /**
     * @param verb "uploading", "downloading"
     * @param what the file's name
     */
    public TransferProgress(PrintStream err, boolean terminal, String verb, String what) {
        this.err = err;
        this.terminal = terminal;
        this.verb = verb;
        this.what = what;
    }

    @Override
    public void transferred(long bytes, long size) {
        this.done = bytes;
        this.total = size;
        if (terminal && big()) {
            err.print("\r\033[K" + line(verb));
            err.flush();
            drawn = true;
        }
    }

    /** Ends the line, with the transfer's size and rate once done. */
    public void finish() {
        if (drawn) {
            err.print("\r\033[K");
        }
        if (big()) {
            String past = verb.endsWith("ing") ? verb.substring(0, verb.length() - 3) + "ed" : verb;
            err.println("upc: " + past + " " + what + " (" + Sizes.bytes(done) + ", " + rate() + ")");
        }
        err.flush();
    }

    private boolean big() {
        return Math.max(done, total) >= BIG;
    }

    private String line(String verb) {
        String amount = total > 0
                ? (100 * done / total) + "% of " + Sizes.bytes(total)
                : Sizes.bytes(done);
        return "upc: " + verb + " " + what + " " + amount + ", " + rate();
    }

    private String rate() {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return Sizes.bytes((long) (done / seconds)) + "/s";
    }
}
