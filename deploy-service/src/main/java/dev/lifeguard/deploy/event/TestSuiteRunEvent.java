package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * A CDEvents {@code testsuiterun.finished} (any version) as CI sends it, read tolerantly: the outcome from
 * {@code subject.content.outcome}, the suite from {@code subject.content.testSuite.name} (else its id); what it tested
 * from {@code context.chainId}, {@code customData.artifactId}, or {@code customData.service} + {@code version};
 * counts from {@code customData.passed} / {@code failed} when given.
 */
public record TestSuiteRunEvent(String eventId, OffsetDateTime time, String chainId, String artifactId, String service,
                                String version, String suite, String outcome, Integer passed, Integer failed) {

    public static final String TYPE_PREFIX = "dev.cdevents.testsuiterun.finished.";
    private static final Set<String> OUTCOMES = Set.of("pass", "fail", "cancel", "error");

    public static TestSuiteRunEvent from(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        JsonNode content = cdEvent.content();
        String outcome = CdEvent.requiredText(cdEvent.document(), "/subject/content/outcome").toLowerCase();
        if (!OUTCOMES.contains(outcome)) {
            throw new MalformedEventException("field 'subject.content.outcome' must be pass, fail, cancel or error: '"
                    + outcome + "'");
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
