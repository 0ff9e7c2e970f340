package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.TestEvidence;
import dev.lifeguard.deploy.repository.TestEvidenceRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the test evidence for a deployment opens its redeploy gate. Evidence is every suite run for the same
 * chain, artifact, or service and version, whenever it arrived; a suite's latest run counts. Without required suites
 * at least one suite must have passed and none failed; with required suites each must have passed (a failed run of
 * one keeps the gate shut).
 */
@ApplicationScoped
public class RedeployGate {

    /** {@code open} with the evidence that opened it, or shut with what is missing. */
    public record Decision(boolean open, String reason, ObjectNode evidence) {
    }

    private final TestEvidenceRepository evidence;
    private final ObjectMapper mapper;

    public RedeployGate(TestEvidenceRepository evidence, ObjectMapper mapper) {
        this.evidence = evidence;
        this.mapper = mapper;
    }

    public Decision evaluate(Deployment deployment, List<String> requiredSuites) {
        Map<String, TestEvidence> latest = new LinkedHashMap<>();
        for (TestEvidence run : evidence.matching(deployment.chainId, deployment.artifactId, deployment.service,
                deployment.version)) {
            latest.put(run.suite, run);
        }
        List<String> failing = latest.values().stream().filter(run -> !run.passedRun() && !"cancel".equals(run.outcome))
                .map(run -> run.suite).toList();
        List<String> passing = latest.values().stream().filter(TestEvidence::passedRun).map(run -> run.suite).toList();
        if (requiredSuites.isEmpty()) {
            if (!failing.isEmpty()) {
                return shut("suite " + String.join(", ", failing) + " failed");
            }
            if (passing.isEmpty()) {
                return shut("no test evidence yet");
            }
        } else {
            List<String> requiredFailing = requiredSuites.stream().filter(failing::contains).toList();
            if (!requiredFailing.isEmpty()) {
                return shut("required suite " + String.join(", ", requiredFailing) + " failed");
            }
            List<String> missing = requiredSuites.stream().filter(suite -> !passing.contains(suite)).toList();
            if (!missing.isEmpty()) {
                return shut("no passing run of required suite " + String.join(", ", missing) + " yet");
            }
        }
        List<TestEvidence> counted = new ArrayList<>(latest.values().stream().filter(TestEvidence::passedRun).toList());
        int passed = counted.stream().mapToInt(run -> run.passed == null ? 0 : run.passed).sum();
        int failed = latest.values().stream().mapToInt(run -> run.failed == null ? 0 : run.failed).sum();
        TestEvidence last = counted.get(counted.size() - 1);
        ObjectNode shown = mapper.createObjectNode();
        shown.put("eventId", TestEvidence.REST.equals(last.source) ? null : last.id);
        shown.put("passed", passed);
        shown.put("failed", failed);
        passing.forEach(shown.putArray("suites")::add);
        shown.put("source", last.source);
        return new Decision(true, "test evidence: " + passed + " passed, " + failed + " failed ("
                + String.join(", ", passing) + ")", shown);
    }

    private static Decision shut(String reason) {
        return new Decision(false, reason, null);
    }
}
