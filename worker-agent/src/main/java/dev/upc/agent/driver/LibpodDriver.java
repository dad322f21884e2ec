package dev.upc.agent.driver;

import dev.upc.agent.checkpoint.CheckpointScreen;
import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.CheckpointOptions;
import dev.upc.agent.libpod.ContainerInfo;
import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.CountingInput;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodException;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.agent.libpod.RestoreOptions;
import dev.upc.agent.libpod.RestoreReport;
import dev.upc.agent.libpod.UserNamespace;
import dev.upc.agent.tar.EntryRewrite;
import dev.upc.agent.tar.SearchableDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Tasks as podman containers, through libpod's REST API ({@link LibpodClient}). Each job container is confined (see
 * {@link ContainerSpec}) and, under podman's cgroupfs manager, gets a cgroup parent of its own ({@link JobCgroups}),
 * which counts its CPU time exactly to the end and is removed with it. A restore checks the archive on its way to
 * libpod ({@link CheckpointScreen}: podman trusts it) and rewrites it: the task's cgroup parent and pid files into
 * {@code config.dump}, its CPU and process limits into {@code spec.dump}, since podman creates the restored container
 * from the archive's spec and would otherwise run (and restore) it under the source PC's limits.
 */
public final class LibpodDriver implements TaskDriver {

    private static final Logger LOG = Logger.getLogger(LibpodDriver.class);
    private static final long OPEN_FILES = 1024;
    private static final long PROCESSES = 1024;

    private final LibpodClient libpod;
    private final JobCgroups cgroups;
    private final Freezer freezer;
    private final Optional<UserNamespace> users;

    /** Job containers whose root is the host's (no user namespace). */
    public LibpodDriver(LibpodClient libpod, JobCgroups cgroups) {
        this(libpod, cgroups, Optional.empty());
    }

    /** @param users the user namespace every job container runs in; empty for none */
    public LibpodDriver(LibpodClient libpod, JobCgroups cgroups, Optional<UserNamespace> users) {
        this.libpod = libpod;
        this.cgroups = cgroups;
        this.freezer = cgroups.freezer();
        this.users = users;
    }

    @Override
    public void create(TaskConfig config) {
        String name = config.handle().name();
        TaskLimits limits = config.limits();
        ContainerSpec spec = new ContainerSpec(name, config.image(), config.command(), config.env(), config.labels(),
                limits.cpuQuotaMicros(), limits.cpuPeriodMicros(), limits.memoryBytes(), OPEN_FILES, PROCESSES, false,
                cgroups.parentFor(name).orElse(null), users.orElse(null));
        call(config.handle(), () -> libpod.create(spec));
    }

    @Override
    public void start(TaskHandle task) {
        call(task, () -> {
            libpod.start(task.name());
            return null;
        });
    }

    @Override
    public Optional<TaskStatus> inspect(TaskHandle task) {
        ContainerInfo info;
        try {
            info = libpod.inspect(task.name());
        } catch (LibpodNotFoundException e) {
            return Optional.empty();
        } catch (LibpodException e) {
            throw new TaskDriverException(e.getMessage(), e);
        }
        return Optional.of(status(info));
    }

    @Override
    public TaskArchive checkpoint(TaskHandle task, CheckpointMode mode) {
        CheckpointOptions options = mode == CheckpointMode.LEAVE_RUNNING ? CheckpointOptions.periodic()
                : CheckpointOptions.forMigration().keepingDump();
        ArchiveStream archive = call(task, () -> libpod.checkpointExport(task.name(), options));
        return new TaskArchive(archive, archive.answeredAfter());
    }

    @Override
    public Restored restore(InputStream archive, TaskHandle task, String image, TaskLimits limits) {
        String name = task.name();
        Optional<String> parent = cgroups.parentForRestore(name);
        CountingInput taken = new CountingInput(archive);
        CheckpointScreen screened = new CheckpointScreen(taken,
                new CheckpointScreen.Expected(image, ContainerSpec.MAX_LOG_BYTES, Math.max(OPEN_FILES, PROCESSES),
                        new ImageLayers(libpod, image), users.isPresent()));
        // In a user namespace the target's id mappings must be in place, and CRIU must be able to enter checkpoint/.
        InputStream modes = users.isPresent() ? new SearchableDirectories(screened) : screened;
        // The configuration's host paths must be this PC's: an archive whose configuration cannot be rewritten fails.
        try (EntryRewrite config = new EntryRewrite(modes, CheckpointSpec.CONFIG_ENTRY, CheckpointSpec.MAX_BYTES,
                bytes -> CheckpointSpec.forTarget(bytes, parent, users)).required();
             EntryRewrite spec = rewriteSpec(config, limits)) {
            RestoreReport report = call(task, () -> libpod.restoreImport(spec, -1, RestoreOptions.named(name)));
            if (!spec.rewritten()) {
                LOG.infof("container=%s: the archive's spec was not rewritten; applying this PC's limits after the "
                        + "restore", name);
                limit(task, limits);
            }
            // The caller's bytes, not the rewritten ones libpod got (their sizes differ by the rewrite).
            return new Restored(taken.count(), report.uploaded(), report.restored());
        } catch (IOException e) {
            throw new UncheckedIOException("restoring " + name + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Lets the container's root, in its user namespace, enter the kept dump (podman writes it {@code 0600}, which
     * only the host's root may enter), as CRIU needs during the restore.
     */
    private static void searchable(String checkpointPath) {
        if (checkpointPath.isEmpty()) {
            return;
        }
        try {
            Path dir = Path.of(checkpointPath);
            Set<PosixFilePermission> modes =
                    Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            modes.add(PosixFilePermission.OWNER_EXECUTE);
            modes.add(PosixFilePermission.GROUP_EXECUTE);
            modes.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(dir, modes);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("cannot make %s searchable for the container's root (%s); the restore may fail", checkpointPath,
                    e.getMessage());
        }
    }

    private EntryRewrite rewriteSpec(InputStream archive, TaskLimits limits) {
        EntryRewrite spec = new EntryRewrite(archive, CheckpointSpec.ENTRY, CheckpointSpec.MAX_BYTES,
                bytes -> CheckpointSpec.forTarget(bytes, limits.cpuQuotaMicros(), limits.cpuPeriodMicros(), PROCESSES,
                        users));
        return users.isPresent() ? spec.required() : spec;
    }

    @Override
    public void restoreInPlace(TaskHandle task) {
        if (users.isPresent()) {
            searchable(call(task, () -> libpod.inspect(task.name())).checkpointPath());
        }
        call(task, () -> {
            libpod.restoreInPlace(task.name());
            return null;
        });
    }

    @Override
    public void rename(TaskHandle task, TaskHandle newName) {
        call(task, () -> {
            libpod.rename(task.name(), newName.name());
            return null;
        });
    }

    @Override
    public void limit(TaskHandle task, TaskLimits limits) {
        call(task, () -> {
            libpod.updateLimits(task.name(), limits.cpuQuotaMicros(), limits.cpuPeriodMicros(), limits.memoryBytes());
            return null;
        });
    }

    @Override
    public boolean suspend(TaskHandle task) {
        ContainerInfo info = call(task, () -> libpod.inspect(task.name()));
        if (!info.running()) {
            return false;
        }
        try {
            if (freezer.freeze(info.cgroupPath())) {
                return true;
            }
        } catch (IOException e) {
            LOG.debugf("container=%s: cannot freeze its cgroup (%s)", task.name(), e.getMessage());
        }
        // No freezer to write: a near-zero quota, which also keeps it checkpointable (its dumps are slow).
        LOG.infof("container=%s: no cgroup freezer at %s; holding it at %s instead", task.name(), info.cgroupPath(),
                TaskLimits.SUSPENDED);
        limit(task, TaskLimits.SUSPENDED);
        return true;
    }

    @Override
    public Optional<HoldFile> holdFile(TaskHandle task) {
        ContainerInfo info = call(task, () -> libpod.inspect(task.name()));
        return info.running() ? freezer.holdFile(info.cgroupPath()) : Optional.empty();
    }

    @Override
    public void resume(TaskHandle task, TaskLimits limits) {
        ContainerInfo info = call(task, () -> libpod.inspect(task.name()));
        try {
            if (freezer.frozen(info.cgroupPath()).isPresent()) {
                freezer.thaw(info.cgroupPath());
                return;
            }
        } catch (IOException e) {
            LOG.debugf("container=%s: cannot thaw its cgroup (%s)", task.name(), e.getMessage());
        }
        limit(task, new TaskLimits(limits.cpuQuotaMicros(), limits.cpuPeriodMicros(), null));
    }

    @Override
    public OptionalLong writtenBytes(TaskHandle task, long countTo) {
        String layer = call(task, () -> libpod.inspect(task.name())).upperDir();
        if (layer.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(WrittenBytes.under(Path.of(layer), countTo));
        } catch (NoSuchFileException e) {
            throw new TaskNotFoundException(task, e);
        } catch (IOException e) {
            throw new TaskDriverException("cannot measure what " + task.name() + " wrote under " + layer + ": "
                    + e.getMessage(), e);
        }
    }

    /** SIGKILL, then a thaw if the owner's relief froze it: the signal is pending, so it dies before it runs on. */
    @Override
    public void stop(TaskHandle task) {
        call(task, () -> {
            libpod.kill(task.name(), "SIGKILL");
            return null;
        });
        try {
            thawIfFrozen(task, call(task, () -> libpod.inspect(task.name())).cgroupPath());
        } catch (TaskNotFoundException e) {
            LOG.debugf("container=%s: not thawed after its kill (%s)", task.name(), e.getMessage());
        }
    }

    /**
     * A task frozen for its owner or a lapsed lease gets its SIGKILL first and is then thawed, so that it dies at once
     * instead of leaving podman's forced removal waiting on a process that cannot run; it never runs another
     * instruction of its own. One inspect serves that and the cgroup parent to remove.
     */
    @Override
    public boolean kill(TaskHandle task) {
        Optional<ContainerInfo> info = inspectQuietly(task);
        // The parent as inspected: a kept dump renamed to a new epoch's name keeps the parent of its first name.
        String parent = info.map(ContainerInfo::cgroupParent)
                .orElseGet(() -> cgroups.parentFor(task.name()).orElse(null));
        if (info.isPresent() && info.get().running() && frozen(info.get().cgroupPath())) {
            try {
                libpod.kill(task.name(), "SIGKILL");
                thawIfFrozen(task, info.get().cgroupPath());
            } catch (RuntimeException e) {
                LOG.debugf("container=%s: not thawed for its kill (%s)", task.name(), e.getMessage());
            }
        }
        boolean removed = call(task, () -> libpod.remove(task.name(), true));
        cgroups.remove(parent);
        return removed;
    }

    private boolean frozen(String cgroup) {
        return !cgroup.isEmpty() && freezer.frozen(cgroup).orElse(false);
    }

    private void thawIfFrozen(TaskHandle task, String cgroup) {
        try {
            if (frozen(cgroup)) {
                freezer.thaw(cgroup);
            }
        } catch (IOException e) {
            LOG.debugf("container=%s: not thawed after its kill (%s)", task.name(), e.getMessage());
        }
    }

    private Optional<ContainerInfo> inspectQuietly(TaskHandle task) {
        try {
            return Optional.of(libpod.inspect(task.name()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private TaskStatus status(ContainerInfo info) {
        TaskStatus.State state;
        if (info.running()) {
            state = TaskStatus.State.RUNNING;
        } else if (info.checkpointed()) {
            state = TaskStatus.State.CHECKPOINTED;
        } else if ("created".equals(info.status()) || "configured".equals(info.status())) {
            state = TaskStatus.State.CREATED;
        } else {
            state = TaskStatus.State.EXITED;
        }
        boolean suspended = info.running() && freezer.frozen(info.cgroupPath()).orElse(false);
        return new TaskStatus(state, suspended, info.exitCode(), cgroups.cpuSeconds(info.cgroupParent()).orElse(null),
                info.lastRun().orElse(null));
    }

    /** Runs a libpod call for {@code task}, its failures as the driver's. */
    private static <T> T call(TaskHandle task, Supplier<T> call) {
        try {
            return call.get();
        } catch (LibpodNotFoundException e) {
            throw new TaskNotFoundException(task, e);
        } catch (LibpodException e) {
            throw new TaskDriverException(e.getMessage(), e);
        }
    }
}
