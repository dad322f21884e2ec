package dev.upc.cli.command;

import dev.upc.cli.render.TransferProgress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs output}: the tar of a finished job's output path, never onto a terminal. */
@Command(name = "output", description = {"Download the tar of a finished job's output path.",
        "To stdout unless -o is given; never to a terminal."})
public final class JobOutputCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE",
            description = "Write the tar to FILE (replaced whole once complete).")
    Path file;

    JobOutputCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (file == null) {
            if (session.env().stdoutTerminal()) {
                throw new CommandFailure(ExitCode.USAGE, "the output is a tar archive: give -o FILE or pipe it "
                        + "(upc jobs output " + id + " | tar -t)");
            }
            session.client().output(id, new CheckedStdout(session.out()));
            return ExitCode.OK;
        }
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".part");
        TransferProgress progress = new TransferProgress(session.err(), session.env().stderrTerminal(),
                "downloading", file.getFileName().toString());
        try (OutputStream out = Files.newOutputStream(partial)) {
            session.client().output(id, out, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        progress.finish();
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return ExitCode.OK;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover .part file is harmless and named as such
        }
    }

    /**
     * Stdout for binary data: a PrintStream swallows write errors, which would turn a closed pipe ({@code | head})
     * into a download that runs to its end into nothing.
     */
    private static final class CheckedStdout extends OutputStream {
        private final PrintStream out;

        CheckedStdout(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            check();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            check();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
            check();
        }

        private void check() throws IOException {
            if (out.checkError()) {
                throw new IOException("stdout was closed");
            }
        }
    }
}
