package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Every Service selects the pods of a Deployment or StatefulSet, and each of its ports reaches a container port. */
final class ServiceCheck {

    private ServiceCheck() {
    }

    static List<Problem> check(Manifest manifest) {
        List<Problem> problems = new ArrayList<>();
        for (K8sObject service : manifest.ofKind("Service")) {
            JsonNode selector = service.json().path("spec").path("selector");
            List<K8sObject> selected = manifest.workloads().stream()
                    .filter(workload -> Labels.selects(selector, Labels.ofPods(workload))).toList();
            if (selected.isEmpty()) {
                problems.add(Problem.of(service, "selector " + selector + " selects no Deployment's or StatefulSet's "
                        + "pods"));
                continue;
            }
            for (JsonNode port : service.json().path("spec").path("ports")) {
                // a Service without targetPort sends to its own port number
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (K8sObject workload : selected) {
                    // pods on the host's network declare no ports: the Service's target is the port they listen on
                    boolean hostNetwork = workload.podTemplate().path("spec").path("hostNetwork").asBoolean(false);
                    if (workload.containers().stream().noneMatch(container -> hostNetwork
                            ? container.envValue(ServiceConfig.HTTP_PORT_ENV)
                                    .filter(listens -> listens.equals(target.asText())).isPresent()
                            : container.hasPort(target))) {
                        problems.add(Problem.of(service, "port " + port.path("name").asText(port.path("port")
                                .asText()) + ": targetPort " + target.asText() + " is no container port of "
                                + workload.id()));
                    }
                }
            }
        }
        return problems;
    }
}
