package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upc.protocol.ApiPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Ingress sends each API path to the service that serves it, to a Service port that exists, and lets
 * GiB-sized checkpoint streams through ingress-nginx unbuffered and uncapped.
 */
final class IngressCheck {

    /** Path prefix → the Service serving it; the longest prefix wins, as for Prefix paths. */
    static final Map<String, String> ROUTES = routes();
    static final Map<String, String> NGINX_ANNOTATIONS = Map.of(
            "nginx.ingress.kubernetes.io/proxy-body-size", "0",
            "nginx.ingress.kubernetes.io/proxy-request-buffering", "off");

    private IngressCheck() {
    }

    private static Map<String, String> routes() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put(ApiPaths.WORKERS, "upc-registry");
        // the store's routes are ApiPaths.BLOBS and below: /api/v1/blobs/{kind}...
        routes.put(ApiPaths.BLOBS.substring(0, ApiPaths.BLOBS.indexOf("/{")), "upc-store");
        routes.put(ApiPaths.V1, "upc-scheduler");
        return routes;
    }

    static List<Problem> check(Manifest manifest) {
        List<Problem> problems = new ArrayList<>();
        for (K8sObject ingress : manifest.ofKind("Ingress")) {
            JsonNode annotations = ingress.json().path("metadata").path("annotations");
            NGINX_ANNOTATIONS.forEach((name, value) -> {
                if (!annotations.path(name).asText().equals(value)) {
                    problems.add(Problem.of(ingress, "annotation " + name + " must be \"" + value + "\""));
                }
            });
            Map<String, String> routed = new LinkedHashMap<>();
            for (JsonNode rule : ingress.json().path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    routed.put(path.path("path").asText(), backend.path("name").asText());
                    backendPort(manifest, backend).ifPresent(message -> problems.add(Problem.of(ingress,
                            "path " + path.path("path").asText() + ": " + message)));
                    if (!path.path("pathType").asText().equals("Prefix")) {
                        problems.add(Problem.of(ingress, "path " + path.path("path").asText() + " is not a Prefix"));
                    }
                }
            }
            ROUTES.forEach((path, service) -> {
                if (!service.equals(routed.get(path))) {
                    problems.add(Problem.of(ingress, "path " + path + " must go to " + service + ", goes to "
                            + routed.getOrDefault(path, "nothing")));
                }
            });
        }
        return problems;
    }

    private static Optional<String> backendPort(Manifest manifest, JsonNode backend) {
        String name = backend.path("name").asText();
        Optional<K8sObject> service = manifest.find("Service", name);
        if (service.isEmpty()) {
            return Optional.of("backend Service " + name + " is not in the manifests");
        }
        JsonNode port = backend.path("port");
        boolean found = false;
        for (JsonNode servicePort : service.get().json().path("spec").path("ports")) {
            found |= port.has("name") ? servicePort.path("name").asText().equals(port.path("name").asText())
                    : servicePort.path("port").asInt() == port.path("number").asInt();
        }
        return found ? Optional.empty() : Optional.of("Service " + name + " has no port " + port);
    }
}
