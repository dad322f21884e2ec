package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks systemd-logind whether someone uses a local session (see {@link LogindSession#inUse}). Runs
 * {@code loginctl list-sessions} and, only when there are sessions, one {@code loginctl show-session} for all of
 * them: at most two short processes per sample. loginctl, not the D-Bus API, because the JDK has no D-Bus client
 * and the agent takes no native library; its {@code show-session} output is stable since systemd 2xx.
 */
public final class LogindDetector implements OwnerDetector {

    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);
    /** The shortest time between two asks of logind. */
    static final Duration MIN_PERIOD = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> PROPERTIES = List.of("Id", "Type", "Class", "Remote", "State", "IdleHint",
            "IdleSinceHint", "LockedHint");

    private final String loginctl;
    private final Optional<String> unavailable;
    private final CommandRunner runner;
    private final Clock clock;
    private final Duration grace;
    private Instant lastAskedAt = Instant.MIN;
    private OwnerState lastAnswer = OwnerState.IDLE;
    private IOException lastFailure;

    LogindDetector(String loginctl, Optional<String> unavailable, CommandRunner runner, Clock clock,
            Duration grace) {
        this.loginctl = loginctl;
        this.unavailable = unavailable;
        this.runner = runner;
        this.clock = clock;
        this.grace = grace;
    }

    /** Looks for logind ({@code /run/systemd/seats}) and loginctl (on PATH) once. */
    public static LogindDetector forThisMachine(Clock clock, Duration grace) {
        Optional<Path> loginctl = onPath("loginctl", System.getenv("PATH"));
        Optional<String> unavailable;
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            // sd_booted()'s test: without systemd as PID 1, loginctl fails ("System has not been booted with systemd")
            unavailable = Optional.of("systemd is not the init system here (no /run/systemd/system)");
        } else if (!Files.isDirectory(Path.of("/run/systemd/seats"))) {
            unavailable = Optional.of("systemd-logind is not running here (no /run/systemd/seats)");
        } else if (loginctl.isEmpty()) {
            unavailable = Optional.of("loginctl is not on PATH");
        } else {
            unavailable = Optional.empty();
        }
        return new LogindDetector(loginctl.map(Path::toString).orElse("loginctl"), unavailable,
                new ProcessCommandRunner(), clock, grace);
    }

    static Optional<Path> onPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "logind";
    }

    /** Whether logind can be asked on this machine; when not, {@link #unavailableReason()} says why. */
    public boolean available() {
        return unavailable.isEmpty();
    }

    public Optional<String> unavailableReason() {
        return unavailable;
    }

    /**
     * Asks logind at most every {@link #MIN_PERIOD} and answers with the last answer in between: every ask runs one or
     * two {@code loginctl} processes (about a millisecond of the agent's CPU each), and logind's idle hints change on a
     * scale of minutes. Keyboard and mouse, which must be seen at once, are the input detector's.
     */
    @Override
    public synchronized OwnerState sample() throws IOException {
        if (unavailable.isPresent()) {
            throw new IOException(unavailable.get());
        }
        Instant now = clock.instant();
        if (now.isBefore(lastAskedAt.plus(MIN_PERIOD))) {
            if (lastFailure != null) {
                throw lastFailure; // a failing loginctl is not run twice a second either
            }
            return lastAnswer;
        }
        lastAskedAt = now;
        try {
            lastAnswer = ask();
            lastFailure = null;
            return lastAnswer;
        } catch (IOException e) {
            lastFailure = e;
            throw e;
        }
    }

    private OwnerState ask() throws IOException {
        // A session can end between the two calls, and show-session then fails for all: list again, once.
        for (int attempt = 1;; attempt++) {
            List<String> ids = LogindSession.parseListSessions(
                    runner.run(List.of(loginctl, "list-sessions", "--no-legend"), TIMEOUT));
            if (ids.isEmpty()) {
                return OwnerState.IDLE;
            }
            try {
                return decide(showSessions(ids), clock.instant(), grace);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == 2) {
                    throw e;
                }
            }
        }
    }

    private List<LogindSession> showSessions(List<String> ids) throws IOException {
        List<String> command = new ArrayList<>(List.of(loginctl, "show-session"));
        command.addAll(ids);
        for (String property : PROPERTIES) {
            command.add("-p");
            command.add(property);
        }
        String output = runner.run(command, TIMEOUT);
        try {
            return LogindSession.parseShowSession(output);
        } catch (IllegalArgumentException e) {
            throw new IOException("unexpected loginctl show-session output: " + e.getMessage(), e);
        }
    }

    /** ACTIVE when any session is in use. */
    static OwnerState decide(List<LogindSession> sessions, Instant now, Duration grace) {
        for (LogindSession session : sessions) {
            if (session.inUse(now, grace)) {
                return OwnerState.ACTIVE;
            }
        }
        return OwnerState.IDLE;
    }
}
