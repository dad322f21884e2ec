package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One object of a rendered manifest, as parsed YAML, with the few accessors the checks share. */
record K8sObject(JsonNode json) {

    K8sObject {
        Objects.requireNonNull(json);
    }

    String kind() {
        return json.path("kind").asText();
    }

    String name() {
        return json.path("metadata").path("name").asText();
    }

    /** {@code Kind/name}, as kubectl names an object. */
    String id() {
        return kind() + "/" + name();
    }

    boolean isWorkload() {
        return kind().equals("Deployment") || kind().equals("StatefulSet");
    }

    /** A Deployment's or StatefulSet's pod template ({@code spec.template}); missing for other kinds. */
    JsonNode podTemplate() {
        return json.path("spec").path("template");
    }

    List<Container> containers() {
        List<Container> containers = new ArrayList<>();
        podTemplate().path("spec").path("containers").forEach(json -> containers.add(new Container(json)));
        return containers;
    }
}
