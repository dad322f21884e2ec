package dev.upc.agent.state;

/**
 * A CRIU binary that passed {@code criu check} since this PC booted: an agent restarted in the same boot with the same
 * binary registers without waiting for the check (tens of ms) and checks again in the background.
 *
 * @param binary         the binary's real path
 * @param size           its size in bytes
 * @param modifiedMillis its modification time
 * @param bootId         the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}) when it passed
 * @param version        what {@code criu --version} said
 */
public record CachedCriu(String binary, long size, long modifiedMillis, String bootId, String version) {
}
