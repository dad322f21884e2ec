package dev.upc.agent.libpod;

/**
 * The user namespace every job container of this PC runs in: the container's ids 0 to {@code size - 1} are the
 * host's {@code hostId} onwards, so a job's root, and whatever a crafted checkpoint makes of it, is an unprivileged
 * user on the PC. One range per PC, the same for every job (restores must be able to use it whatever PC the job came
 * from); it should not overlap the PC's own users or the subordinate ids of its rootless users.
 *
 * <p>Verified here: runc and CRIU 4.1.1 checkpoint and restore such containers, in place and exported to another
 * name, once the archive's {@code checkpoint/} directory is searchable by the container's root (podman writes it
 * {@code 0600}, which only the host's root can enter).
 */
public record UserNamespace(long hostId, long size) {

    public static final long DEFAULT_HOST_ID = 1_000_000_000L;
    public static final long DEFAULT_SIZE = 65_536;

    public UserNamespace {
        if (hostId < 1 || size < 1 || hostId + size > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("a user namespace needs host ids from 1 to 4294967294, was " + hostId
                    + " and " + size + " more");
        }
    }

    /** {@code HOSTID:SIZE}, e.g. {@code 1000000000:65536}; {@code off} for none. */
    public static java.util.Optional<UserNamespace> parse(String text) {
        String value = text.strip();
        if (value.equalsIgnoreCase("off")) {
            return java.util.Optional.empty();
        }
        String[] parts = value.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected HOSTID:SIZE or off, was '" + text + "'");
        }
        try {
            return java.util.Optional.of(new UserNamespace(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected HOSTID:SIZE or off, was '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return hostId + ":" + size;
    }
}
