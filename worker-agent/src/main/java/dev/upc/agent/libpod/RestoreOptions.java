package dev.upc.agent.libpod;

/**
 * @param name           name of the restored container (the new epoch's name)
 * @param tcpEstablished restore established TCP connections too
 * @param ignoreRootFs   the archive carries no file system changes
 */
public record RestoreOptions(String name, boolean tcpEstablished, boolean ignoreRootFs) {

    public RestoreOptions {
        LibpodClient.checkName(name);
    }

    public static RestoreOptions named(String name) {
        return new RestoreOptions(name, false, false);
    }
}
