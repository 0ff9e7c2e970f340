package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;

/**
 * A CDEvents {@code testsuiterun.finished} (any version) as CI sends it, read tolerantly: the outcome from
 * {@code subject.content.outcome} (success / pass, failure / fail, cancel, error), the suite from {@code subject.content.testSuite.name} (else its id); what it tested
 * from {@code context.chainId}, {@code customData.artifactId}, or {@code customData.service} + {@code version};
 * counts from {@code customData.passed} / {@code failed} when given.
 */
public record TestSuiteRunEvent(String eventId, OffsetDateTime time, String chainId, String artifactId, String service,
                                String version, String suite, String outcome, Integer passed, Integer failed) {

    public static final String TYPE_PREFIX = "dev.cdevents.testsuiterun.finished.";
    /** CDEvents 0.5 says success / failure; CI tools also write pass / fail. */
    private static final java.util.Map<String, String> OUTCOMES = java.util.Map.of("pass", "pass", "success", "pass",
            "fail", "fail", "failure", "fail", "cancel", "cancel", "error", "error");

    public static TestSuiteRunEvent from(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        JsonNode content = cdEvent.content();
        String written = CdEvent.requiredText(cdEvent.document(), "/subject/content/outcome").toLowerCase();
        String outcome = OUTCOMES.get(written);
        if (outcome == null) {
            throw new MalformedEventException("field 'subject.content.outcome' must be success (pass), failure (fail),"
                    + " cancel or error: '" + written + "'");
        }
        JsonNode suite = content.path("testSuite");
        String suiteName = CdEvent.textOrNull(suite.get("name"));
        if (suiteName == null) {
            suiteName = CdEvent.textOrNull(suite.get("id"));
        }
        if (suiteName == null || suiteName.length() > 200) {
            throw new MalformedEventException("field 'subject.content.testSuite.name' (or '.id') is required, at most"
                    + " 200 characters");
        }
        JsonNode custom = cdEvent.customData();
        String chainId = event.chainId();
        String artifactId = CdEvent.textOrNull(custom.get("artifactId"));
        String service = CdEvent.textOrNull(custom.get("service"));
        String version = CdEvent.textOrNull(custom.get("version"));
        if (chainId == null && artifactId == null && (service == null || version == null)) {
            throw new MalformedEventException("field 'context.chainId' is required unless 'customData.artifactId' or"
                    + " 'customData.service' and 'customData.version' say what was tested");
        }
        return new TestSuiteRunEvent(event.id(), event.time(), chainId, artifactId, service, version, suiteName, outcome,
                count(custom, "passed"), count(custom, "failed"));
    }

    private static Integer count(JsonNode custom, String field) {
        JsonNode node = custom.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || node.asInt() < 0) {
            throw new MalformedEventException("field 'customData." + field + "' must be a count (integer >= 0)");
        }
        return node.asInt();
    }
}
