package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Label selection as Kubernetes does it for {@code matchLabels} and a Service's {@code selector}. */
final class Labels {

    private Labels() {
    }

    /** True if every label of a non-empty {@code selector} is on {@code labels} with the same value. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> label : selector.properties()) {
            if (!labels.path(label.getKey()).asText("\0").equals(label.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    /** The pod template labels of {@code workload}. */
    static JsonNode ofPods(K8sObject workload) {
        return workload.podTemplate().path("metadata").path("labels");
    }
}
