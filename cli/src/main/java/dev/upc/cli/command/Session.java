package dev.upc.cli.command;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.upc.cli.Env;
import dev.upc.cli.client.Endpoint;
import dev.upc.cli.client.ProtocolJson;
import dev.upc.cli.client.Transport;
import dev.upc.cli.client.UpcClient;
import dev.upc.cli.context.ConfigException;
import dev.upc.cli.context.ContextStore;
import dev.upc.cli.context.Target;
import dev.upc.cli.context.TargetChoice;
import dev.upc.cli.context.TargetResolver;
import dev.upc.protocol.tls.TrustedCertificates;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * One run of {@code upc}: its environment, the global flags, and the client, made on first use so that commands that
 * need no cluster ({@code --help}, {@code context list}) never resolve one.
 */
public final class Session implements AutoCloseable {

    private static final ObjectWriter PRETTY = ProtocolJson.MAPPER.writerWithDefaultPrettyPrinter();
    private static final ObjectWriter COMPACT = ProtocolJson.MAPPER.writer();

    private final Env env;
    private final Supplier<TargetChoice> choice;
    private Target target;
    private UpcClient client;

    /**
     * @param choice the global flags, read when the first command needs the cluster (after parsing)
     */
    public Session(Env env, Supplier<TargetChoice> choice) {
        this.env = env;
        this.choice = choice;
    }

    public Env env() {
        return env;
    }

    public PrintStream out() {
        return env.out();
    }

    public PrintStream err() {
        return env.err();
    }

    public Instant now() {
        return env.clock().instant();
    }

    /**
     * A message for the human on stderr: "upc: …". Stdout is flushed first, so that on a terminal the message lands
     * after the data it is about.
     */
    public void say(String message) {
        env.out().flush();
        env.err().println("upc: " + message);
    }

    public ContextStore contexts() {
        return new ContextStore(env.configFile());
    }

    public TargetChoice choice() {
        return choice.get();
    }

    /** The cluster this run talks to, from flags, environment and saved contexts. */
    public Target target() {
        if (target == null) {
            target = new TargetResolver(env.variables(), contexts()).resolve(choice.get());
        }
        return target;
    }

    public UpcClient client() {
        if (client == null) {
            Target resolved = target();
            client = new UpcClient(new Endpoint(resolved.server(), resolved.token(), Endpoint.DEFAULT_CONNECT_TIMEOUT,
                    tls(resolved.caFile())), Transport.URL_CONNECTION);
        }
        return client;
    }

    /** What the cluster's HTTPS must chain to: the certificates of {@code caFile}, or the JVM's list when null. */
    public static SSLContext tls(Path caFile) {
        if (caFile == null) {
            return null;
        }
        try {
            return TrustedCertificates.context(caFile);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--ca-file: " + e.getMessage());
        }
    }

    /** A protocol record as indented JSON on stdout, the shape {@code --json} promises. */
    public void printJson(Object value) {
        try {
            env.out().println(PRETTY.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    /** A protocol record as one line of JSON, for streams of them (NDJSON). */
    public void printJsonLine(Object value) {
        try {
            env.out().println(COMPACT.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
