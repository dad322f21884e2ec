package dev.upc.cli;

import dev.upc.cli.context.ContextStore;
import java.io.BufferedOutputStream;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything a command takes from the process it runs in: environment variables, stdout and stderr, whether those are
 * terminals, and the clock. {@link #system()} is the real process; tests and the end-to-end suite build their own to
 * run commands in-process ({@code UpcCli.run(args, env)}).
 *
 * @param variables      the environment ({@code UPC_SERVER}, {@code UPC_TOKEN}, {@code UPC_CONFIG}, {@code HOME}, …)
 * @param out            where data goes
 * @param err            where messages go
 * @param stdoutTerminal whether {@code out} is a terminal (tables redraw in place, binary output is refused)
 * @param stderrTerminal whether {@code err} is a terminal (progress lines redraw in place)
 * @param clock          for relative times
 */
public record Env(Map<String, String> variables, PrintStream out, PrintStream err, boolean stdoutTerminal,
                  boolean stderrTerminal, Clock clock) {

    public Env {
        variables = Map.copyOf(variables);
    }

    /** A non-terminal environment with these variables and streams, on the system clock. */
    public static Env of(Map<String, String> variables, PrintStream out, PrintStream err) {
        return new Env(variables, out, err, false, false, Clock.systemDefaultZone());
    }

    /**
     * The real process. Output is UTF-8 whatever the locale says (job names and logs are UTF-8 on the wire), and
     * buffered: {@link Upc#main} flushes it before exiting.
     */
    public static Env system() {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return new Env(System.getenv(), out, err, terminal("upc.stdout.terminal"), terminal("upc.stderr.terminal"),
                Clock.systemDefaultZone());
    }

    public String variable(String name) {
        return variables.get(name);
    }

    /** The same environment with the contexts file at {@code file} ({@code UPC_CONFIG}). */
    public Env withConfig(Path file) {
        return withVariable("UPC_CONFIG", file.toString());
    }

    public Env withVariable(String name, String value) {
        Map<String, String> updated = new HashMap<>(variables);
        updated.put(name, value);
        return new Env(updated, out, err, stdoutTerminal, stderrTerminal, clock);
    }

    public Env withTerminal(boolean stdout, boolean stderr) {
        return new Env(variables, out, err, stdout, stderr, clock);
    }

    public Env withClock(Clock newClock) {
        return new Env(variables, out, err, stdoutTerminal, stderrTerminal, newClock);
    }

    /** Where the saved contexts are. */
    public Path configFile() {
        return ContextStore.location(variables);
    }

    /** Whether UPC_DEBUG asks for stack traces. */
    public boolean debug() {
        String debug = variables.get("UPC_DEBUG");
        return debug != null && !debug.isBlank() && !debug.equals("0") && !debug.equalsIgnoreCase("false");
    }

    /**
     * The launcher tells (it asks the shell, {@code [ -t 1 ]}); started some other way, the console decides, which
     * before JDK 22 exists only when stdin and stdout are terminals and from 22 on says so in isTerminal().
     */
    private static boolean terminal(String property) {
        String told = System.getProperty(property);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJdk22) {
            return true;
        }
    }
}
