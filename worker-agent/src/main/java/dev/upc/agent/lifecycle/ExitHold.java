package dev.upc.agent.lifecycle;

import dev.upc.agent.driver.HoldFile;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskDriverException;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.state.AgentState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A job runs only while its agent watches over it: when the agent dies, however it dies ({@code kill -9}, an
 * out-of-memory kill, a crash), its jobs are held at once, as HTCondor's starter kills its job when the startd is
 * gone. Without this a PC whose agent died runs its jobs on unseen while the scheduler, once the registry gives the PC
 * up, starts them again elsewhere: two live copies. Held, they wait for an agent that starts again (which holds every
 * job it finds until the scheduler says which are still its own) or for their removal.
 *
 * <p>A small shell process of the agent's own does it: it reads its standard input, a pipe whose other end only the
 * agent's JVM holds, and when that pipe closes (the kernel closes it for a dead process) it writes each job's
 * {@link HoldFile} (its cgroup's freezer), listed by the agent in {@code exit-hold} beside its state. It ignores
 * SIGTERM (systemd's stop reaches it along with the agent, and the agent's own orderly stop comes first) and uses
 * shell built-ins only, but for {@code sleep} while a job being checkpointed waits for CRIU. An orderly stop holds the jobs left too: an agent that does not come back must not leave them
 * running unseen, and one that does holds them at its start anyway.
 */
final class ExitHold implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExitHold.class);
    /** What the list may name: absolute paths without spaces, {@code .} or {@code ..} segments. */
    private static final Pattern SAFE = Pattern.compile("(/(?!\\.{1,2}(/|$))[A-Za-z0-9_.:@-]+)+");
    /**
     * Waits for the pipe to close, then holds every listed job at once, each in a subshell of its own. A job whose
     * tasks are traced (CRIU dumping it: the agent died mid-checkpoint) is held only once the tracer has let go: a
     * cgroup frozen under CRIU's feet leaves CRIU, and podman with it, waiting forever (measured: a leave-running
     * dump never ended). Freezing and then finding it traced (CRIU came in between) thaws it again at once, which
     * lets the dump finish (measured too). A trace that outlasts ten minutes is not CRIU's: the job is held anyway.
     */
    private static final String SCRIPT = """
            trap '' TERM INT HUP
            while read -r _; do :; done
            [ -f "$1" ] || exit 0
            traced() {
              while read -r pid; do
                while read -r key value; do
                  case $key in TracerPid:) [ "$value" = 0 ] || return 0; break ;; esac
                done < "/proc/$pid/status"
              done < "${1%/*}/cgroup.procs"
              return 1
            } 2>/dev/null
            hold() {
              tries=0
              while [ -d "${3%/*}" ]; do
                if ! traced "$3"; then
                  printf '%s' "$1" > "$3" || return
                  traced "$3" || return 0
                  printf '%s' "$2" > "$3"
                fi
                tries=$((tries + 1))
                [ "$tries" -lt 3000 ] || { printf '%s' "$1" > "$3"; return; }
                sleep 0.2 || return
              done
            } 2>/dev/null
            while read -r content release file; do
              [ -n "$file" ] && hold "$content" "$release" "$file" &
            done < "$1"
            wait
            """;

    private final AgentState state;
    private final TaskDriver driver;
    private final Path list;
    private final ScheduledExecutorService thread;
    /** The hold files of the containers listed, by container name. Only on {@link #thread}. */
    private final Map<String, HoldFile> known = new HashMap<>();
    private String written = "";
    private volatile Process guard;

    /**
     * @param list where the hold files are listed for the guard: a file of the agent's state directory
     */
    ExitHold(AgentState state, TaskDriver driver, Path list) {
        this.state = state;
        this.driver = driver;
        this.list = list;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "upc-exit-hold");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the guard and keeps its list up to date, refreshed after every {@link #changed} and every
     * {@code every} in any case.
     */
    void start(java.time.Duration every) {
        try {
            Files.deleteIfExists(list);
            guard = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "upc-exit-hold", list.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.warnf("cannot start the guard that holds the jobs if this agent dies (%s): they would run on unseen",
                    e.getMessage());
            return;
        }
        thread.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The guard's process id, while it runs. */
    Optional<Long> guardPid() {
        return guard != null && guard.isAlive() ? Optional.of(guard.pid()) : Optional.empty();
    }

    /** A task began to run here or went away: list it soon. */
    void changed() {
        if (guard == null) {
            return; // not started
        }
        try {
            thread.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void refresh() {
        try {
            Set<String> names = state.containers().keySet();
            known.keySet().retainAll(names);
            for (String name : names) {
                if (!known.containsKey(name)) {
                    holdFile(name).ifPresent(file -> known.put(name, file));
                }
            }
            StringBuilder text = new StringBuilder();
            known.values().stream().filter(h -> SAFE.matcher(h.file().toString()).matches()
                            && h.content().matches("[A-Za-z0-9]+") && h.release().matches("[A-Za-z0-9]+"))
                    .map(h -> h.content() + " " + h.release() + " " + h.file() + "\n").sorted().forEach(text::append);
            if (!text.toString().equals(written)) {
                write(text.toString());
                written = text.toString();
            }
        } catch (RuntimeException e) {
            LOG.debugf("exit hold: list not refreshed (%s)", e.getMessage());
        }
    }

    private Optional<HoldFile> holdFile(String name) {
        try {
            return driver.holdFile(TaskHandle.of(name));
        } catch (TaskDriverException e) { // not found included
            return Optional.empty();
        }
    }

    private void write(String text) {
        try {
            Path partial = list.resolveSibling(list.getFileName() + ".partial");
            Files.writeString(partial, text, StandardCharsets.US_ASCII);
            Files.move(partial, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hold files listed now, for tests. */
    List<String> listed() throws IOException {
        return Files.exists(list) ? Files.readAllLines(list, StandardCharsets.US_ASCII) : List.of();
    }

    /**
     * The agent stops: lists what runs now and has the guard hold it at once, not only when the process is gone (a
     * shutdown hook may still take a while).
     */
    @Override
    public void close() {
        if (guard == null) {
            thread.shutdownNow();
            return;
        }
        try {
            thread.submit(this::refresh).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | RejectedExecutionException e) {
            LOG.debugf("exit hold: no last refresh (%s)", e.toString());
        }
        thread.shutdownNow();
        try {
            guard.getOutputStream().close();
            if (guard.waitFor(5, TimeUnit.SECONDS) && !written.isEmpty()) {
                LOG.infof("held the %d job(s) left on this PC until an agent is back", written.lines().count());
            }
        } catch (IOException e) {
            LOG.debugf("exit hold: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
