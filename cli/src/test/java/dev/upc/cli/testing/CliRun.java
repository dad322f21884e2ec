package dev.upc.cli.testing;

import dev.upc.cli.Env;
import dev.upc.cli.UpcCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@code upc} in-process the way the end-to-end tests do: {@link UpcCli#run} with an {@link Env} of its own
 * (variables, captured stdout and stderr, a fixed clock, a contexts file in the test's directory).
 */
public final class CliRun {

    private final Map<String, String> variables = new HashMap<>();
    private boolean stdoutTerminal;
    private boolean stderrTerminal;

    private CliRun(Path home) {
        variables.put("HOME", home.toString());
        variables.put("UPC_CONFIG", home.resolve("upc/config.json").toString());
    }

    /** No server or token set: commands find them in the contexts file under {@code home}, or fail. */
    public static CliRun in(Path home) {
        return new CliRun(home);
    }

    /** UPC_SERVER and UPC_TOKEN point at {@code api}. */
    public static CliRun against(FakeApi api, Path home) {
        return new CliRun(home).with("UPC_SERVER", api.url().toString()).with("UPC_TOKEN", "test-token");
    }

    public CliRun with(String variable, String value) {
        variables.put(variable, value);
        return this;
    }

    public CliRun without(String variable) {
        variables.remove(variable);
        return this;
    }

    public CliRun onTerminal(boolean stdout, boolean stderr) {
        this.stdoutTerminal = stdout;
        this.stderrTerminal = stderr;
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(variables, new PrintStream(out, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), stdoutTerminal, stderrTerminal,
                Clock.fixed(Samples.NOW, ZoneOffset.UTC));
        int code = UpcCli.run(args, env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                out.toByteArray());
    }

    /** What a run left: its exit code, stdout and stderr. */
    public record Result(int code, String out, String err, byte[] outBytes) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
