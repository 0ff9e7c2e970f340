package dev.lifeguard.notify.channel;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;

/**
 * What to tell a team about one event, independent of the channel: a one-line {@code title}, a
 * sentence or two of {@code text}, links, and the event itself for channels that forward it whole.
 */
public record NotificationContent(String service, String environment, String title, String text, List<Link> links,
                                  CloudEvent about, String chainId) {

    public NotificationContent {
        links = List.copyOf(links);
    }

    public record Link(String label, String url) {
    }
}
