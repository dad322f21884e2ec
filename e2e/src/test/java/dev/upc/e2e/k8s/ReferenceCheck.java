package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every ConfigMap key a container reads is in a ConfigMap of the rendering, and every Secret key (env or volume) is
 * one the deployment's Secrets hold ({@link DeploymentSecrets#KEYS}: they are made apart from the manifests).
 */
final class ReferenceCheck {

    private ReferenceCheck() {
    }

    static List<Problem> check(Manifest manifest, Map<String, List<String>> secrets) {
        List<Problem> problems = new ArrayList<>();
        for (K8sObject workload : manifest.workloads()) {
            for (Container container : workload.containers()) {
                for (JsonNode variable : container.env()) {
                    String where = "container " + container.name() + " env " + variable.path("name").asText() + ": ";
                    JsonNode configMap = variable.path("valueFrom").path("configMapKeyRef");
                    if (!configMap.isMissingNode()) {
                        configMapKey(manifest, configMap).ifPresent(
                                message -> problems.add(Problem.of(workload, where + message)));
                    }
                    JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
                    if (!secret.isMissingNode()) {
                        secretKey(secrets, secret.path("name").asText(), secret.path("key").asText()).ifPresent(
                                message -> problems.add(Problem.of(workload, where + message)));
                    }
                }
                if (container.json().has("envFrom")) {
                    problems.add(Problem.of(workload, "container " + container.name() + ": envFrom hides which "
                            + "variables it sets; name each one"));
                }
            }
            for (JsonNode volume : workload.podTemplate().path("spec").path("volumes")) {
                JsonNode secret = volume.path("secret");
                if (secret.isMissingNode() || secret.isNull()) {
                    continue;
                }
                String where = "volume " + volume.path("name").asText() + ": ";
                String name = secret.path("secretName").asText();
                if (!secrets.containsKey(name)) {
                    problems.add(Problem.of(workload, where + "Secret " + name + " is not one of " + secrets.keySet()));
                }
                for (JsonNode item : secret.path("items")) {
                    secretKey(secrets, name, item.path("key").asText()).ifPresent(
                            message -> problems.add(Problem.of(workload, where + message)));
                }
            }
        }
        return problems;
    }

    private static Optional<String> configMapKey(Manifest manifest, JsonNode reference) {
        String name = reference.path("name").asText();
        String key = reference.path("key").asText();
        Optional<K8sObject> configMap = manifest.find("ConfigMap", name);
        if (configMap.isEmpty()) {
            return Optional.of("configMapKeyRef names ConfigMap " + name + ", which the manifests do not hold");
        }
        if (!configMap.get().json().path("data").has(key)) {
            return Optional.of("configMapKeyRef names key " + key + ", which ConfigMap " + name + " does not have");
        }
        return Optional.empty();
    }

    private static Optional<String> secretKey(Map<String, List<String>> secrets, String name, String key) {
        if (!secrets.containsKey(name)) {
            return Optional.of("Secret " + name + " is not one of " + secrets.keySet());
        }
        if (!secrets.get(name).contains(key)) {
            return Optional.of("Secret " + name + " has no key " + key + " (its keys: " + secrets.get(name) + ")");
        }
        return Optional.empty();
    }
}
