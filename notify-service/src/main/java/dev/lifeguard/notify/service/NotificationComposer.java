package dev.lifeguard.notify.service;

import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Link;
import dev.lifeguard.notify.event.AnomalyEvent;
import dev.lifeguard.notify.event.DeploymentEvent;
import dev.lifeguard.notify.event.NotifiableEvent;
import dev.lifeguard.notify.event.RollbackRequestedEvent;
import dev.lifeguard.notify.event.RolledBackEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The words teams read for each kind of event; channels only lay them out. Pure. */
@ApplicationScoped
public class NotificationComposer {

    public NotificationContent compose(NotifiableEvent event) {
        if (event instanceof DeploymentEvent deployment) {
            return deployed(deployment);
        }
        if (event instanceof AnomalyEvent anomaly) {
            return anomaly(anomaly);
        }
        if (event instanceof RollbackRequestedEvent request) {
            return rollbackRequested(request);
        }
        if (event instanceof RolledBackEvent rolledBack) {
            return rolledBack(rolledBack);
        }
        throw new IllegalArgumentException("No wording for " + event.getClass().getSimpleName());
    }

    private NotificationContent deployed(DeploymentEvent e) {
        String title = e.service() + " " + e.version() + " deployed to " + e.environment();
        StringBuilder text = new StringBuilder(e.service() + " " + e.version() + " is now running in " + e.environment());
        if (e.previousVersion() != null) {
            text.append(", replacing ").append(e.previousVersion());
        }
        if (e.commit() != null) {
            text.append(" (commit ").append(e.commit()).append(')');
        }
        List<Link> links = new ArrayList<>();
        if (e.changeUrl() != null && e.changeUrl().matches("(?i)https?://\\S+")) {
            links.add(new Link("change", e.changeUrl()));
        }
        return content(e, title, text.append('.').toString(), links);
    }

    private NotificationContent anomaly(AnomalyEvent e) {
        String target = e.service() + (e.version() != null ? " " + e.version() : "") + " in " + e.environment();
        String title = "Anomaly on " + target;
        if (e.metric() != null && e.threshold() != null) {
            title += ": " + e.metric() + " above " + number(e.threshold());
            if (!e.observedValues().isEmpty()) {
                title += " (" + numbers(e.observedValues()) + ")";
            }
        }
        String text = (e.description() != null ? e.description() : "An anomaly was detected on " + target) + ".";
        if (!e.observedValues().isEmpty()) {
            text += " Observed: " + numbers(e.observedValues())
                    + (e.threshold() != null ? " (threshold " + number(e.threshold()) + ")" : "") + ".";
        }
        return content(e, title, text, List.of());
    }

    private NotificationContent rollbackRequested(RollbackRequestedEvent e) {
        String title = "Rolling back " + e.service() + " in " + e.environment() + " from " + e.fromVersion()
                + " to " + e.toVersion();
        return content(e, title, e.reason() != null ? title + ": " + e.reason() : title + ".", List.of());
    }

    private NotificationContent rolledBack(RolledBackEvent e) {
        String title = e.service() + " rolled back to " + e.toVersion() + " in " + e.environment();
        String text = e.service() + " was rolled back" + (e.fromVersion() != null ? " from " + e.fromVersion() : "")
                + " to " + e.toVersion() + " in " + e.environment() + (e.reason() != null ? ": " + e.reason() : ".");
        return content(e, title, text, List.of());
    }

    private static NotificationContent content(NotifiableEvent event, String title, String text, List<Link> links) {
        return new NotificationContent(event.service(), event.environment(), title, text, links, event.cloudEvent(),
                event.chainId());
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(NotificationComposer::number).collect(Collectors.joining(", "));
    }

    /** Two decimals at least, four at most: 0.4 reads "0.40", 0.12345 reads "0.1235". */
    private static String number(double value) {
        return new DecimalFormat("0.00##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
    }
}
