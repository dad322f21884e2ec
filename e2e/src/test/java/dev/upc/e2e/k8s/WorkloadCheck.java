package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Deployments and StatefulSets: UPC's images at the project's version, resources, a locked-down security
 * context and both probes for every container, each service container against its service, and the shape UPC
 * needs (two schedulers kept available by a PodDisruptionBudget, a store that never runs twice on its volume).
 */
final class WorkloadCheck {

    private WorkloadCheck() {
    }

    static List<Problem> check(Manifest manifest, ManifestRules rules) {
        List<Problem> problems = new ArrayList<>();
        for (K8sObject workload : manifest.workloads()) {
            for (Container container : workload.containers()) {
                problems.addAll(checkContainer(workload, container, rules));
                ServiceConfig service = rules.services().get(container.image().name());
                if (service != null) {
                    problems.addAll(ServiceContainerCheck.check(workload, container, service));
                }
            }
            String image = workload.containers().isEmpty() ? "" : workload.containers().get(0).image().name();
            if (image.equals("scheduler")) {
                problems.addAll(checkScheduler(manifest, workload));
            }
            if (image.equals("store") && !workload.json().path("spec").path("strategy").path("type").asText()
                    .equals("Recreate")) {
                problems.add(Problem.of(workload, "strategy must be Recreate: two store pods must never share its "
                        + "ReadWriteOnce volume"));
            }
        }
        return problems;
    }

    private static List<Problem> checkContainer(K8sObject workload, Container container, ManifestRules rules) {
        List<Problem> problems = new ArrayList<>();
        String where = "container " + container.name() + ": ";
        Image image = container.image();
        if (!image.repository().equals(rules.imageRepository()) || !ManifestRules.IMAGES.contains(image.name())
                || !image.tag().equals(rules.version())) {
            problems.add(Problem.of(workload, where + "image " + container.json().path("image").asText()
                    + " is not " + rules.imageRepository() + "/<" + String.join("|", ManifestRules.IMAGES) + ">:"
                    + rules.version()));
        }
        JsonNode resources = container.json().path("resources");
        for (String bound : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                if (!resources.path(bound).has(resource)) {
                    problems.add(Problem.of(workload, where + "no resources." + bound + "." + resource));
                }
            }
        }
        JsonNode security = container.json().path("securityContext");
        JsonNode podSecurity = workload.podTemplate().path("spec").path("securityContext");
        if (!security.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false))) {
            problems.add(Problem.of(workload, where + "may run as root (set runAsNonRoot: true)"));
        }
        if (!security.path("readOnlyRootFilesystem").asBoolean(false)) {
            problems.add(Problem.of(workload, where + "root filesystem is writable (readOnlyRootFilesystem: true)"));
        }
        if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add(Problem.of(workload, where + "allowPrivilegeEscalation is not false"));
        }
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            if (!container.json().has(probe)) {
                problems.add(Problem.of(workload, where + "no " + probe));
            }
        }
        return problems;
    }

    /** Two replicas serve the API while one plans; a voluntary disruption must leave one. */
    private static List<Problem> checkScheduler(Manifest manifest, K8sObject scheduler) {
        List<Problem> problems = new ArrayList<>();
        if (scheduler.json().path("spec").path("replicas").asInt(1) != 2) {
            problems.add(Problem.of(scheduler, "replicas must be 2 (one plans, the other takes over)"));
        }
        boolean guarded = manifest.ofKind("PodDisruptionBudget").stream().anyMatch(budget -> Labels.selects(
                budget.json().path("spec").path("selector").path("matchLabels"), Labels.ofPods(scheduler)));
        if (!guarded) {
            problems.add(Problem.of(scheduler, "no PodDisruptionBudget selects its pods"));
        }
        return problems;
    }
}
