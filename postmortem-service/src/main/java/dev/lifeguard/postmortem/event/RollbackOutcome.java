package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

import java.util.Locale;

/**
 * deploy-service's word on a rollback that did not (yet) restore a version: {@code lifeguard-rollback.failed} (the
 * executor gave up after {@code attempts}, {@code fromVersion} still runs), {@code .skipped} (not carried out,
 * {@code detail} says why) or {@code .accepted} (a person or a CD tool must finish it, then report it at
 * {@code completeUrl}). {@code toVersion} is null when no version to go back to was found, {@code executor} when none
 * was called.
 */
public record RollbackOutcome(Result result, String rollbackId, String fromVersion, String toVersion, String reason,
                              String executor, String detail, Integer attempts, String completeUrl)
        implements EventDetails {

    static RollbackOutcome from(CdEvent event, Result result) {
        JsonNode document = event.document();
        JsonNode content = event.content();
        String rollbackId = CdEvent.textOrNull(content.get("rollbackId"));
        JsonNode attempts = content.path("attempts");
        return new RollbackOutcome(result,
                rollbackId != null ? rollbackId : CdEvent.requiredText(document, "/subject/id"),
                CdEvent.requiredText(document, "/subject/content/fromVersion"),
                CdEvent.textOrNull(content.get("toVersion")),
                CdEvent.textOrNull(content.get("reason")),
                CdEvent.textOrNull(content.get("executor")),
                CdEvent.requiredText(document, "/subject/content/detail"),
                attempts.canConvertToInt() ? attempts.intValue() : null,
                CdEvent.textOrNull(content.get("completeUrl")));
    }

    @Override
    public TimelineKind kind() {
        return result.kind;
    }

    public enum Result {
        /** Not carried out: nothing newer to roll back from, already on the target, superseded, no target. */
        SKIPPED(TimelineKind.ROLLBACK_SKIPPED),
        /** In a person's or a CD tool's hands; a service.rolledback completes it. */
        ACCEPTED(TimelineKind.ROLLBACK_ACCEPTED),
        /** Given up after retries: the failing version still runs. */
        FAILED(TimelineKind.ROLLBACK_FAILED);

        private final TimelineKind kind;

        Result(TimelineKind kind) {
            this.kind = kind;
        }

        /** "skipped", "accepted", "failed": as stored and shown. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The stored label read back, or null. */
        public static Result fromLabel(String label) {
            for (Result result : values()) {
                if (result.label().equals(label)) {
                    return result;
                }
            }
            return null;
        }
    }
}
