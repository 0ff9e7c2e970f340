package dev.lifeguard.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.testsupport.EventContract;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.file.Path;
import java.util.List;

/**
 * The golden examples of the events notify-service reads (contracts/events/examples), as they are or
 * re-targeted at another service with a fresh event id, so tests sharing one broker and database stay apart.
 */
public final class GoldenEvents {

    public static final String DEPLOYED = "dev.cdevents.service.deployed.0.3.0";
    public static final String UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String ROLLEDBACK = "dev.cdevents.service.rolledback.0.3.0";
    public static final String ANOMALY = "dev.cdevents.incident.detected.0.3.0";
    public static final String ROLLBACK_REQUESTED = "dev.cdeventsx.lifeguard-rollback.requested.0.1.0";
    public static final String ANALYSIS = "dev.cdeventsx.lifeguard-analysis.finished.0.1.0";
    public static final String ROLLBACK_FAILED = "dev.cdeventsx.lifeguard-rollback.failed.0.1.0";
    public static final String ROLLBACK_SKIPPED = "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0";
    public static final String ROLLBACK_ACCEPTED = "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0";
    public static final List<String> READ = List.of(DEPLOYED, UPGRADED, ROLLEDBACK, ANOMALY, ROLLBACK_REQUESTED, ANALYSIS,
            ROLLBACK_FAILED, ROLLBACK_SKIPPED, ROLLBACK_ACCEPTED);
    public static final String ROLLOUT_GATED = "dev.cdeventsx.lifeguard-rollout.gated.0.1.0";
    public static final String ROLLOUT_RELEASED = "dev.cdeventsx.lifeguard-rollout.released.0.1.0";
    public static final String ROLLOUT_STEP_STARTED = "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0";
    public static final String ROLLOUT_PAUSED = "dev.cdeventsx.lifeguard-rollout.paused.0.1.0";
    public static final String ROLLOUT_PROMOTED = "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0";
    public static final String ROLLOUT_ABORTED = "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0";
    /** deploy-service's rollout events; their examples are one chain of their own (the fix 2.0.1 of checkout). */
    public static final List<String> ROLLOUT = List.of(ROLLOUT_GATED, ROLLOUT_RELEASED, ROLLOUT_STEP_STARTED,
            ROLLOUT_PAUSED, ROLLOUT_PROMOTED, ROLLOUT_ABORTED);
    public static final String ROLLBACK_DECIDED = "dev.cdeventsx.lifeguard-rollback.decided.0.1.0";
    public static final String APPROVAL_REQUESTED = "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0";
    public static final String ROLLBACK_ESCALATED = "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0";
    public static final String GUARD_TRIPPED = "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0";
    /** rollback-service's decision events, all about decision rollback-0004 (checkout 2.0.0 back to 1.0.0). */
    public static final List<String> DECISIONS = List.of(ROLLBACK_DECIDED, APPROVAL_REQUESTED, ROLLBACK_ESCALATED,
            GUARD_TRIPPED);
    /** The decided examples: {@code <type>.json} (AWAITING_APPROVAL), {@code .approved.json}, {@code .held.json}. */
    public static final String AWAITING = "";
    public static final String APPROVED = "approved";
    public static final String HELD = "held";

    /** deploy-service publishes it when a target is retired; it has no schema here and no team is told about it. */
    public static final String SERVICE_REMOVED = "dev.cdevents.service.removed.0.3.0";

    /** The service every golden example is about. */
    public static final String EXAMPLE_SERVICE = "checkout";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GoldenEvents() {
    }

    public static String json(String type) {
        List<Path> examples = EventContract.examples(type);
        if (examples.isEmpty()) {
            throw new AssertionError("No golden example for " + type);
        }
        return EventContract.read(examples.get(0));
    }

    public static CloudEvent cloudEvent(String type) {
        return read(json(type));
    }

    public static CloudEvent read(String json) {
        return new CloudEventReader(MAPPER).read(json, new RecordHeaders());
    }

    /**
     * The analysis example turned inconclusive: error_rate passed, latency_p99 still undecided when the window
     * ended, no anomaly raised.
     */
    public static String inconclusiveAnalysis(String service, String eventId) {
        return about(ANALYSIS, service, eventId)
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"inconclusive\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"latency_p99 could not be judged before the window ended\"")
                .replace("\"endedBy\": \"failure\"", "\"endedBy\": \"window\"")
                .replace("\"verdict\": \"failed\"", "\"verdict\": \"passed\"")
                .replaceFirst("\"anomalyId\": \"[^\"]*\"", "\"anomalyId\": null");
    }

    /** The analysis example turned into a pass: every metric passed, nothing raised. */
    public static String passedAnalysis(String service, String eventId) {
        return about(ANALYSIS, service, eventId)
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"passed\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"every metric stayed within its bounds\"")
                .replace("\"endedBy\": \"failure\"", "\"endedBy\": \"window\"")
                .replace("\"verdict\": \"failed\"", "\"verdict\": \"passed\"")
                .replace("\"verdict\": \"inconclusive\"", "\"verdict\": \"passed\"")
                .replaceFirst("\"anomalyId\": \"[^\"]*\"", "\"anomalyId\": null");
    }

    /**
     * The analysis example as the verdict of step {@code stepIndex} of the rollout of checkout 2.0.1 (d-0003), with
     * {@code outcome} (passed, failed, inconclusive).
     */
    public static String stepAnalysis(String service, String eventId, int stepIndex, String outcome) {
        String json = "passed".equals(outcome) ? passedAnalysis(service, eventId)
                : "inconclusive".equals(outcome) ? inconclusiveAnalysis(service, eventId)
                : about(ANALYSIS, service, eventId);
        // the golden verdict names its own analysis (the deployment's); a step's has the step's id instead
        return json.replaceFirst("\"analysisId\": \"d-0002\",\\s*", "")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0003\", \"analysisId\": \"d-0003#"
                        + stepIndex + "\", \"rolloutStep\": " + stepIndex + ",")
                .replace("\"version\": \"2.0.0\"", "\"version\": \"2.0.1\"");
    }

    /** The gated example released by a person's override instead of test evidence. */
    public static String releasedByOverride(String service, String eventId) {
        return about(ROLLOUT_RELEASED, service, eventId)
                .replace("\"releasedBy\": \"evidence\"", "\"releasedBy\": \"override\", \"requestedBy\": \"alice\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"hotfix verified by hand on staging\"")
                .replaceAll("(?s)\"evidence\": \\{.*?\\}", "\"evidence\": null");
    }

    /** The accepted example as a CD tool's 202 leaves it: the webhook executor, waiting for its service.rolledback. */
    public static String acceptedByWebhook(String service, String eventId) {
        return about(ROLLBACK_ACCEPTED, service, eventId)
                .replace("\"executor\": \"manual\"", "\"executor\": \"webhook\"")
                .replaceFirst("\"detail\": \"[^\"]*\"",
                        "\"detail\": \"webhook https://deploy.example.com/rollback answered 202 Accepted\"");
    }

    /**
     * The rolledback example as deploy-service reports a rollback someone made with their CD tool: CI reported it, the
     * rollback id is made up from the CI event, no executor ran.
     */
    public static String rolledBackByCi(String service, String eventId) {
        return about(ROLLEDBACK, service, eventId)
                .replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"ci\"")
                .replace("\"executor\": \"record\"", "\"executor\": null")
                .replace("\"rollbackId\": \"rollback-0004\"", "\"rollbackId\": \"ci-" + eventId + "\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"rolled back outside Lifeguard (reported by CI)\"");
    }

    /** A rollback example with its rollback id (subject id and content) replaced, so each test has its own rollback. */
    public static String withRollbackId(String json, String rollbackId) {
        return json.replace("rollback-0004", rollbackId);
    }

    /**
     * {@code service.removed} as deploy-service publishes it when a target is retired (CDEvents 0.5.1 shape); there is
     * no schema or example for it in contracts yet.
     */
    public static String serviceRemoved(String service, String eventId) {
        return """
                {"specversion": "1.0", "id": "%2$s", "source": "/lifeguard/deploy-service",
                 "type": "%3$s", "subject": "%1$s/production", "time": "2026-11-26T11:00:00Z",
                 "chainid": "%2$s", "datacontenttype": "application/json",
                 "data": {"context": {"specversion": "0.5.1", "id": "%2$s", "chainId": "%2$s",
                                      "source": "/lifeguard/deploy-service", "type": "%3$s",
                                      "timestamp": "2026-11-26T11:00:00Z"},
                          "subject": {"id": "%1$s", "source": "/lifeguard/deploy-service",
                                      "content": {"environment": {"id": "production"}}}}}
                """.formatted(service, eventId, SERVICE_REMOVED);
    }

    /** The golden example {@code <type>.json}, or {@code <type>.<variant>.json} for a non-empty variant. */
    public static String example(String type, String variant) {
        String file = variant.isEmpty() ? type + ".json" : type + "." + variant + ".json";
        return EventContract.read(EventContract.contractsDirectory().resolve("examples").resolve(file));
    }

    /** {@link #example} about {@code service} instead of checkout, with {@code eventId} as its id. */
    public static String about(String type, String variant, String service, String eventId) {
        String json = example(type, variant);
        String exampleId = EventContract.parse(json).path("id").asText();
        return json.replace(exampleId, eventId).replace(EXAMPLE_SERVICE, service);
    }

    /**
     * The held example turned into another decision of the same rollback: {@code decision} (SKIPPED, ROLL_BACK,
     * DRY_RUN...) with its rule and reason; a dry run would have been {@code ROLL_BACK}.
     */
    public static String decided(String service, String eventId, String decision, String rule, String reason) {
        return about(ROLLBACK_DECIDED, HELD, service, eventId)
                .replace("\"decision\": \"HELD\"", "\"decision\": \"" + decision + "\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"" + rule + "\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"" + reason + "\"")
                .replace("\"wouldBe\": null", "\"wouldBe\": " + ("DRY_RUN".equals(decision) ? "\"ROLL_BACK\"" : "null"));
    }

    /** The approved example rejected by bob instead. */
    public static String rejected(String service, String eventId) {
        return about(ROLLBACK_DECIDED, APPROVED, service, eventId)
                .replace("\"decision\": \"APPROVED\"", "\"decision\": \"REJECTED\"")
                .replace("\"settledBy\": \"alice\"", "\"settledBy\": \"bob\"")
                .replace("\"settleReason\": \"error rate is real, go\"",
                        "\"settleReason\": \"the errors come from a partner outage, not from 2.0.0\"")
                .replace("\"rule\": \"approved\"", "\"rule\": \"rejected\"");
    }

    /** The example about {@code service} instead of checkout, with {@code eventId} as its id. */
    public static String about(String type, String service, String eventId) {
        String json = json(type);
        String exampleId = EventContract.parse(json).path("id").asText();
        return json.replace(exampleId, eventId).replace(EXAMPLE_SERVICE, service);
    }
}
