package dev.upc.e2e.k8s;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each object against the Kubernetes API schema, through the official client's models: their
 * {@code validateJsonElement} refuses a field the API does not define (a typo such as {@code replica:}) and a missing
 * required one, at any depth. A kind without a model here is a problem too, so no object goes unchecked.
 */
final class SchemaCheck {

    /** apiVersion/kind → the model's validator; the versions are the ones the API server serves. */
    private static final Map<String, Validator> MODELS = Map.of(
            "v1/Namespace", V1Namespace::validateJsonElement,
            "v1/ConfigMap", V1ConfigMap::validateJsonElement,
            "v1/Secret", V1Secret::validateJsonElement,
            "v1/Service", V1Service::validateJsonElement,
            "v1/PersistentVolumeClaim", V1PersistentVolumeClaim::validateJsonElement,
            "apps/v1/Deployment", V1Deployment::validateJsonElement,
            "apps/v1/StatefulSet", V1StatefulSet::validateJsonElement,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::validateJsonElement,
            "networking.k8s.io/v1/Ingress", V1Ingress::validateJsonElement);

    private SchemaCheck() {
    }

    /** The shape of the models' static {@code validateJsonElement}. */
    @FunctionalInterface
    private interface Validator {
        void validate(JsonElement json) throws IOException;
    }

    static List<Problem> check(Manifest manifest) {
        List<Problem> problems = new ArrayList<>();
        for (K8sObject object : manifest.objects()) {
            String type = object.json().path("apiVersion").asText() + "/" + object.kind();
            Validator model = MODELS.get(type);
            if (model == null) {
                problems.add(Problem.of(object, "no schema model for " + type + " (add one to SchemaCheck)"));
                continue;
            }
            try {
                model.validate(JsonParser.parseString(object.json().toString()));
            } catch (IOException | RuntimeException e) {
                // the models say what is wrong in the message: an undefined field, a missing required one, a type
                problems.add(Problem.of(object, "not valid " + type + ": " + e.getMessage()));
            }
        }
        return problems;
    }
}
