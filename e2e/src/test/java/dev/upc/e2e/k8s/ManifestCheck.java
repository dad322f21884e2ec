package dev.upc.e2e.k8s;

import java.util.ArrayList;
import java.util.List;

/** All checks of a rendered overlay; no problems means it may be applied. */
final class ManifestCheck {

    private ManifestCheck() {
    }

    static List<Problem> check(Manifest manifest, ManifestRules rules) {
        List<Problem> problems = new ArrayList<>(SchemaCheck.check(manifest));
        problems.addAll(WorkloadCheck.check(manifest, rules));
        problems.addAll(ReferenceCheck.check(manifest, rules.secrets()));
        problems.addAll(ServiceCheck.check(manifest));
        problems.addAll(IngressCheck.check(manifest));
        return problems;
    }
}
