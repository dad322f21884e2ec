package dev.upc.agent.checkpoint;

/**
 * Image references compared the way podman resolves a local one: {@code upc/count:1} and
 * {@code localhost/upc/count:1} name the same image, as do {@code count} and {@code count:latest}.
 */
final class ImageNames {

    private ImageNames() {
    }

    static boolean same(String a, String b) {
        return !a.isEmpty() && !b.isEmpty() && full(a).equals(full(b));
    }

    static String full(String reference) {
        String name = reference;
        int at = name.indexOf('@');
        String digest = at >= 0 ? name.substring(at) : "";
        name = at >= 0 ? name.substring(0, at) : name;
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        if (slash < 0 || !(first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            name = "localhost/" + name;
        }
        int lastSlash = name.lastIndexOf('/');
        if (digest.isEmpty() && name.indexOf(':', lastSlash) < 0) {
            name = name + ":latest";
        }
        return name + digest;
    }
}
