package dev.upc.cli.client;

import java.util.List;

/** A PC name given for a worker matched no worker, or several (two PCs reporting the same hostname). */
public final class WorkerNameException extends UpcClientException {

    private final String name;
    private final List<String> matchingIds;

    public WorkerNameException(String name, List<String> matchingIds) {
        super(matchingIds.isEmpty()
                ? "no worker has the id or PC name " + name
                : "the PC name " + name + " is ambiguous: workers " + String.join(", ", matchingIds)
                        + " have it; give a worker id", null);
        this.name = name;
        this.matchingIds = List.copyOf(matchingIds);
    }

    public String name() {
        return name;
    }

    /** The ids of the workers with that name: empty when unknown, several when ambiguous. */
    public List<String> matchingIds() {
        return matchingIds;
    }

    public boolean unknown() {
        return matchingIds.isEmpty();
    }
}
