package dev.lifeguard.notify.channel;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;
import java.util.Locale;

/**
 * What to tell a team about one event, independent of the channel: a one-line {@code title}, a
 * sentence or two of {@code text}, links, the event itself for channels that forward it whole, and how
 * urgently someone must look, which each channel shows as loudly as it can.
 */
public record NotificationContent(String service, String environment, String title, String text, List<Link> links,
                                  CloudEvent about, String chainId, Urgency urgency) {

    public NotificationContent {
        links = List.copyOf(links);
        urgency = urgency == null ? Urgency.NORMAL : urgency;
    }

    /** A notification for the record: nobody has to drop what they are doing. */
    public NotificationContent(String service, String environment, String title, String text, List<Link> links,
                               CloudEvent about, String chainId) {
        this(service, environment, title, text, links, about, chainId, Urgency.NORMAL);
    }

    public record Link(String label, String url) {
    }

    /** How soon a person must act; {@link #label()} is the spelling in published notifications and headers. */
    public enum Urgency {
        /** News: read it when convenient. */
        NORMAL,
        /** Nothing happens until a person acts (a manual rollback waits for them). */
        HIGH,
        /** Lifeguard could not protect the service (a rollback failed): the failing version still runs. */
        CRITICAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the channel should call people in (Slack's {@code @here}). */
        public boolean callsPeopleIn() {
            return this != NORMAL;
        }

        /** The stored label read back; anything unknown is NORMAL. */
        public static Urgency fromLabel(String label) {
            for (Urgency urgency : values()) {
                if (urgency.label().equals(label)) {
                    return urgency;
                }
            }
            return NORMAL;
        }
    }
}
