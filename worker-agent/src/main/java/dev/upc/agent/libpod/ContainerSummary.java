package dev.upc.agent.libpod;

import java.util.Map;

/** One entry of a container listing. */
public record ContainerSummary(String id, String name, String state, Map<String, String> labels) {

    public ContainerSummary {
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    /** The name without the leading slash the listing may give it. */
    public String plainName() {
        return name.startsWith("/") ? name.substring(1) : name;
    }
}
