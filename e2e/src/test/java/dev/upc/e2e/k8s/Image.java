package dev.upc.e2e.k8s;

/** An image reference split as UPC names its images: {@code <repository>/<name>:<tag>}. */
record Image(String repository, String name, String tag) {

    static Image parse(String reference) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        String repository = slash < 0 ? "" : reference.substring(0, slash);
        String name = reference.substring(slash + 1, colon > slash ? colon : reference.length());
        String tag = colon > slash ? reference.substring(colon + 1) : "";
        return new Image(repository, name, tag);
    }
}
