package dev.lifeguard.notify.service;

import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.kafka.TopicProvisioner;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Each team's notifications topic, {@code <notifications>.<team>}. It is created when the team subscribes, so that
 * the team's chat bridge can subscribe to it at once; should it vanish later (a broker wiped), the outbox relay
 * creates it again before it sends there, since this service owns the prefix.
 */
@ApplicationScoped
public class TeamTopics {

    private static final Logger LOG = Logger.getLogger(TeamTopics.class);

    private final TopicProvisioner topics;
    private final NotifyConfig config;

    public TeamTopics(TopicProvisioner topics, NotifyConfig config) {
        this.topics = topics;
        this.config = config;
    }

    public String of(String team) {
        return config.notificationsTopic() + "." + team;
    }

    /** Best effort, outside any transaction: when the broker is away, the first notification creates it. */
    public void ensure(String team) {
        String topic = of(team);
        try {
            topics.ensure(List.of(topic, topic + TopicProvisioner.DEAD_LETTER_SUFFIX));
        } catch (RuntimeException e) {
            LOG.warnf("Topic %s not created now (%s); it will be when the team's first notification is sent", topic,
                    e.getMessage());
        }
    }
}
