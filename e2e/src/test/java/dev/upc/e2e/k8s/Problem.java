package dev.upc.e2e.k8s;

/** One thing wrong with a manifest: the object ({@code Kind/name}) and what is wrong with it. */
record Problem(String object, String message) {

    static Problem of(K8sObject object, String message) {
        return new Problem(object.id(), message);
    }

    @Override
    public String toString() {
        return object + ": " + message;
    }
}
