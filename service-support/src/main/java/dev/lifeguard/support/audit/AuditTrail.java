package dev.lifeguard.support.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the audit trail: each entry is a {@code dev.cdeventsx.lifeguard-audit.recorded.0.1.0} event on
 * {@code lifeguard.topics.audit} (through the outbox) and a line in the log category {@code lifeguard.audit}.
 * REST calls are recorded by {@link AuditedRequests}; services record their automatic actions (a rollback decided,
 * executed, a rollout promoted by its analysis) with {@link #recordAutomatic} inside the transaction that does them,
 * so the action and its audit line commit together.
 */
@ApplicationScoped
public class AuditTrail {

    public static final String EVENT_TYPE = "dev.cdeventsx.lifeguard-audit.recorded.0.1.0";
    static final Logger LOG = Logger.getLogger("lifeguard.audit");

    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final String service;
    private final String topic;

    public AuditTrail(Outbox outbox, ObjectMapper mapper,
                      @ConfigProperty(name = "quarkus.application.name") String service,
                      @ConfigProperty(name = "lifeguard.topics.audit", defaultValue = "lifeguard.audit") String topic) {
        this.outbox = outbox;
        this.mapper = mapper;
        this.service = service;
        this.topic = topic;
    }

    public String service() {
        return service;
    }

    /**
     * Records an action the service took on its own (actor {@code service:<name>}), in the caller's transaction.
     *
     * @param action  a dotted name, e.g. {@code rollback.decided}, {@code rollback.executed}
     * @param target  what it acted on, e.g. {@code checkout/production} or a deployment id
     * @param outcome how it ended, e.g. {@code succeeded}, {@code failed}, or the decision
     * @param detail  one line for people, no secrets
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAutomatic(String action, String target, String outcome, String detail) {
        record(new AuditEntry(service, "service:" + service, "service", Set.of(), Set.of(), action, target, outcome,
                null, detail, null, now()));
    }

    /** Records {@code entry} in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(AuditEntry entry) {
        String id = UUID.randomUUID().toString();
        ObjectNode content = mapper.valueToTree(entry);
        content.put("at", entry.at().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        CloudEvent event = CdEventBuilder.event(EVENT_TYPE)
                .id(id)
                .source("/lifeguard/" + service)
                .chainId(id)
                .subjectId(entry.target() == null ? "-" : entry.target())
                .cloudEventSubject(entry.service())
                .time(entry.at())
                .content(content)
                .build(mapper);
        outbox.enqueue(topic, entry.actor(), event);
        LOG.infof("%s %s %s %s -> %s%s", entry.actor(), entry.roles(), entry.action(), entry.target(),
                entry.outcome(), entry.status() == null ? "" : " (" + entry.status() + ")");
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
