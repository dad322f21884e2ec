package dev.upc.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.e2e.job.RepoFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks fail where they should: each hand-written mistake below is reported, and the clean snippet is not. */
class ManifestCheckTest {

    private static final ManifestRules RULES = new ManifestRules("localhost/upc", "1.2.3",
            ServiceConfig.of(RepoFiles.find("k8s").getParent()), DeploymentSecrets.KEYS);

    /** A registry with its Service and ConfigMap that passes every check. */
    private static final String REGISTRY = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: upc-config}
            data: {UPC_DB_HOST: db}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: upc-registry}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: upc-registry}
              template:
                metadata:
                  labels: {app: upc-registry}
                  annotations: {prometheus.io/port: "8080", prometheus.io/path: /q/metrics}
                spec:
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - name: registry
                    image: localhost/upc/registry:1.2.3
                    ports: [{name: http, containerPort: 8080}]
                    env:
                    - {name: UPC_HTTP_PORT, value: "8080"}
                    - name: UPC_DB_HOST
                      valueFrom: {configMapKeyRef: {name: upc-config, key: UPC_DB_HOST}}
                    - name: UPC_DB_PASSWORD
                      valueFrom: {secretKeyRef: {name: upc-secrets, key: db-password}}
                    readinessProbe: {httpGet: {path: /q/health/ready, port: http}}
                    livenessProbe: {httpGet: {path: /q/health/live, port: 8080}}
                    resources:
                      requests: {cpu: 100m, memory: 256Mi}
                      limits: {cpu: "1", memory: 512Mi}
                    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: upc-registry}
            spec:
              selector: {app: upc-registry}
              ports: [{name: http, port: 8080, targetPort: http}]
            """;

    @Test
    void theCleanSnippetPasses() {
        assertThat(check(REGISTRY)).isEmpty();
    }

    @Test
    void aFieldTheApiDoesNotDefineIsReported() {
        assertThat(check(REGISTRY.replace("  replicas: 1", "  replica: 2")))
                .anyMatch(problem -> problem.object().equals("Deployment/upc-registry")
                        && problem.message().contains("`replica`")
                        && problem.message().contains("not defined in the `V1DeploymentSpec` properties"));
    }

    @Test
    void anObjectOfAKindWithoutModelIsReported() {
        assertThat(check(REGISTRY + "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup}\n"))
                .containsExactly(new Problem("CronJob/backup",
                        "no schema model for batch/v1/CronJob (add one to SchemaCheck)"));
    }

    @Test
    void anEnvironmentVariableTheServiceDoesNotReadIsReported() {
        assertThat(check(REGISTRY.replace("- {name: UPC_HTTP_PORT, value: \"8080\"}",
                "- {name: UPC_HTTP_PORT, value: \"8080\"}\n        - {name: UPC_NOT_READ, value: x}")))
                .containsExactly(new Problem("Deployment/upc-registry", "container registry (registry): env "
                        + "UPC_NOT_READ is read by no property of the registry service (its application.properties)"));
    }

    @Test
    void aProbeOnAPortTheServiceDoesNotListenOnIsReported() {
        assertThat(check(REGISTRY.replace("path: /q/health/live, port: 8080", "path: /q/health/live, port: 9999")))
                .containsExactly(new Problem("Deployment/upc-registry", "container registry (registry): "
                        + "livenessProbe port is 9999 but the service listens on 8080"));
    }

    @Test
    void aServiceListeningElsewhereThanItsPortsAndAnnotationIsReported() {
        assertThat(check(REGISTRY.replace("value: \"8080\"}", "value: \"18081\"}")))
                .extracting(Problem::message)
                .contains("container registry (registry): no containerPort 18081, the port the service listens on "
                        + "(UPC_HTTP_PORT)",
                        "container registry (registry): readinessProbe port is http but the service listens on 18081",
                        "container registry (registry): annotation prometheus.io/port is '8080', expected '18081'");
    }

    @Test
    void aSecretKeyTheDeploymentSecretsDoNotHoldIsReported() {
        assertThat(check(REGISTRY.replace("key: db-password", "key: db-pasword")))
                .containsExactly(new Problem("Deployment/upc-registry", "container registry env UPC_DB_PASSWORD: "
                        + "Secret upc-secrets has no key db-pasword (its keys: [join-token, db-password])"));
    }

    @Test
    void aConfigMapKeyThatIsNotThereIsReported() {
        assertThat(check(REGISTRY.replace("data: {UPC_DB_HOST: db}", "data: {UPC_DB_HOSTNAME: db}")))
                .containsExactly(new Problem("Deployment/upc-registry", "container registry env UPC_DB_HOST: "
                        + "configMapKeyRef names key UPC_DB_HOST, which ConfigMap upc-config does not have"));
    }

    @Test
    void anImageOfAnotherVersionOrRepositoryIsReported() {
        assertThat(check(REGISTRY.replace("localhost/upc/registry:1.2.3", "docker.io/upc/registry:latest")))
                .containsExactly(new Problem("Deployment/upc-registry", "container registry: image "
                        + "docker.io/upc/registry:latest is not localhost/upc/<registry|scheduler|store|postgres>:1.2.3"));
    }

    @Test
    void aServiceWhoseTargetPortIsNoContainerPortIsReported() {
        assertThat(check(REGISTRY.replace("targetPort: http", "targetPort: web")))
                .containsExactly(new Problem("Service/upc-registry",
                        "port http: targetPort web is no container port of Deployment/upc-registry"));
    }

    @Test
    void portsOnTheHostsNetworkAreReportedAndAServiceThenTargetsTheHostPort() {
        String onHost = REGISTRY.replace("securityContext: {runAsNonRoot: true}",
                "securityContext: {runAsNonRoot: true}\n      hostNetwork: true");
        assertThat(check(onHost)).extracting(Problem::message).contains("container registry (registry): declares ports "
                + "on the host's network, which podman kube play refuses");
        String fixed = onHost.replaceAll("(?m)^ *ports: \\[\\{name: http, containerPort: 8080}]\n", "")
                .replace("port: http}}", "port: 8080}}");
        assertThat(check(fixed)).extracting(Problem::toString).containsExactly(
                "Service/upc-registry: port http: targetPort http is no container port of Deployment/upc-registry");
        assertThat(check(fixed.replace("targetPort: http", "targetPort: 8080"))).isEmpty();
    }

    @Test
    void aWritableRootFilesystemAndAMissingProbeAreReported() {
        assertThat(check(REGISTRY.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
                .replaceAll("(?m)^ *livenessProbe:.*\n", "")))
                .extracting(Problem::message)
                .contains("container registry: root filesystem is writable (readOnlyRootFilesystem: true)",
                        "container registry: no livenessProbe");
    }

    @Test
    void anIngressSendingBlobsToTheSchedulerIsReported() {
        String ingress = """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: upc
                  annotations: {nginx.ingress.kubernetes.io/proxy-body-size: "0"}
                spec:
                  rules:
                  - http:
                      paths:
                      - {path: /api/v1/workers, pathType: Prefix, backend: {service: {name: upc-registry, port: {name: http}}}}
                      - {path: /api/v1, pathType: Prefix, backend: {service: {name: upc-scheduler, port: {number: 8080}}}}
                """;
        assertThat(check(REGISTRY + ingress)).extracting(Problem::toString).containsExactlyInAnyOrder(
                "Ingress/upc: annotation nginx.ingress.kubernetes.io/proxy-request-buffering must be \"off\"",
                "Ingress/upc: path /api/v1: backend Service upc-scheduler is not in the manifests",
                "Ingress/upc: path /api/v1/blobs must go to upc-store, goes to nothing");
    }

    private static List<Problem> check(String yaml) {
        return ManifestCheck.check(Manifest.parse(yaml), RULES);
    }
}
