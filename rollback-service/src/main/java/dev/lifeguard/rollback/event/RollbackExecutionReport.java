package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.Execution;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;

/**
 * Tolerant read of deploy-service's {@code lifeguard-rollback.accepted / failed / skipped}: what became of the
 * rollback request {@code rollbackId} (the decision's id), with deploy-service's one-line {@code detail}.
 */
public record RollbackExecutionReport(String eventId, String rollbackId, String service, String environment,
                                      Execution execution, String detail) {

    private static final int MAX_DETAIL_LENGTH = 2000;

    public static RollbackExecutionReport from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        String detail = CdEvent.textOrNull(document.at("/subject/content/detail"));
        if (detail != null && detail.length() > MAX_DETAIL_LENGTH) {
            // only shown to people: a long detail is shortened, never a reason to dead-letter the report
            detail = detail.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
        }
        return new RollbackExecutionReport(event.id(),
                EventFields.text(document, "/subject/id", 200),
                EventFields.name(document, "/subject/content/service"),
                EventFields.name(document, "/subject/content/environment"),
                execution(event.type()),
                detail);
    }

    private static Execution execution(String type) {
        if (type.startsWith("dev.cdeventsx.lifeguard-rollback.accepted.")) {
            return Execution.ACCEPTED;
        }
        if (type.startsWith("dev.cdeventsx.lifeguard-rollback.failed.")) {
            return Execution.FAILED;
        }
        if (type.startsWith("dev.cdeventsx.lifeguard-rollback.skipped.")) {
            return Execution.SKIPPED;
        }
        throw new IllegalArgumentException("not a rollback execution report: " + type);
    }
}
