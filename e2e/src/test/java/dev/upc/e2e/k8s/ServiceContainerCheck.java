package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A container running a UPC service against that service: it is given only environment the service reads, and its
 * port, probes and Prometheus annotations all name the port the service listens on.
 */
final class ServiceContainerCheck {

    private static final Map<String, String> PROBE_PATHS = Map.of(
            "readinessProbe", "/q/health/ready",
            "livenessProbe", "/q/health/live");
    private static final String METRICS_PATH = "/q/metrics";

    private ServiceContainerCheck() {
    }

    static List<Problem> check(K8sObject workload, Container container, ServiceConfig service) {
        List<Problem> problems = new ArrayList<>();
        String where = "container " + container.name() + " (" + service.image() + "): ";
        for (JsonNode variable : container.env()) {
            String name = variable.path("name").asText();
            if (!service.env().contains(name)) {
                problems.add(Problem.of(workload, where + "env " + name + " is read by no property of the "
                        + service.image() + " service (its application.properties)"));
            }
        }
        int listens = listenPort(container, service);
        // on the host's network a pod declares no ports (podman 4.3 refuses them there); it listens on the host's port
        boolean hostNetwork = workload.podTemplate().path("spec").path("hostNetwork").asBoolean(false);
        if (hostNetwork && !container.ports().isEmpty()) {
            problems.add(Problem.of(workload, where + "declares ports on the host's network, which podman kube play "
                    + "refuses"));
        } else if (!hostNetwork
                && container.ports().stream().noneMatch(port -> port.path("containerPort").asInt() == listens)) {
            problems.add(Problem.of(workload, where + "no containerPort " + listens + ", the port the service "
                    + "listens on (" + ServiceConfig.HTTP_PORT_ENV + ")"));
        }
        PROBE_PATHS.forEach((probe, path) -> checkProbe(workload, container, probe, path, listens, where, problems));
        JsonNode annotations = workload.podTemplate().path("metadata").path("annotations");
        expect(workload, where, "annotation prometheus.io/port", annotations.path("prometheus.io/port").asText(),
                String.valueOf(listens), problems);
        expect(workload, where, "annotation prometheus.io/path", annotations.path("prometheus.io/path").asText(),
                METRICS_PATH, problems);
        return problems;
    }

    /** {@code UPC_HTTP_PORT} when the container sets it, else the service's default. */
    private static int listenPort(Container container, ServiceConfig service) {
        return container.envValue(ServiceConfig.HTTP_PORT_ENV).map(Integer::parseInt)
                .orElse(service.defaultHttpPort());
    }

    private static void checkProbe(K8sObject workload, Container container, String probe, String path, int listens,
            String where, List<Problem> problems) {
        JsonNode httpGet = container.json().path(probe).path("httpGet");
        if (httpGet.isMissingNode()) {
            problems.add(Problem.of(workload, where + "no " + probe + ".httpGet (" + path + ")"));
            return;
        }
        expect(workload, where, probe + " path", httpGet.path("path").asText(), path, problems);
        OptionalInt port = container.resolvePort(httpGet.path("port"));
        if (port.isEmpty() || port.getAsInt() != listens) {
            problems.add(Problem.of(workload, where + probe + " port is " + httpGet.path("port").asText()
                    + " but the service listens on " + listens));
        }
    }

    private static void expect(K8sObject workload, String where, String what, String actual, String expected,
            List<Problem> problems) {
        if (!actual.equals(expected)) {
            problems.add(Problem.of(workload, where + what + " is '" + actual + "', expected '" + expected + "'"));
        }
    }
}
