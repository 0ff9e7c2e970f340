package dev.lifeguard.postmortem.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.postmortem.FixDeployment;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentFix;
import dev.lifeguard.postmortem.IncidentStatus;
import dev.lifeguard.postmortem.TimelineEntry;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.postmortem.config.PostmortemConfig;
import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.IncidentEvents;
import dev.lifeguard.postmortem.event.RollbackOutcome;
import dev.lifeguard.postmortem.event.RolloutReported;
import dev.lifeguard.postmortem.event.ServiceRolledBack;
import dev.lifeguard.postmortem.report.DecisionStory;
import dev.lifeguard.postmortem.report.TimelineSummarizer;
import dev.lifeguard.postmortem.repository.IncidentRepository;
import dev.lifeguard.postmortem.repository.TimelineEntryRepository;
import dev.lifeguard.support.audit.AuditTrail;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds the read model: every chain event becomes a timeline entry; an anomaly opens the chain's incident,
 * the chain's deployment completes it and its rollback resolves it, in whatever order they arrive. A rollback that
 * failed, was skipped or was accepted is recorded on the incident and leaves it open, as does a decision not to roll
 * back (held, rejected, dry run, skipped) or one waiting for approval: decisions are told from their stored events
 * ({@link DecisionStory}). Deployments are linked to the incidents they fix ({@link FixService}).
 */
@ApplicationScoped
public class IncidentService {

    private static final Logger LOG = Logger.getLogger(IncidentService.class);

    private final TimelineEntryRepository entries;
    private final IncidentRepository incidents;
    private final IncidentEvents events;
    private final Outbox outbox;
    private final PostmortemConfig config;
    private final CloudEventReader reader;
    private final ObjectMapper mapper;
    private final FixService fixes;
    private final AuditTrail audit;

    public IncidentService(TimelineEntryRepository entries, IncidentRepository incidents, IncidentEvents events,
                           Outbox outbox, PostmortemConfig config, CloudEventReader reader, ObjectMapper mapper,
                           FixService fixes, AuditTrail audit) {
        this.fixes = fixes;
        this.audit = audit;
        this.entries = entries;
        this.incidents = incidents;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        this.reader = reader;
        this.mapper = mapper;
    }

    /** Records one event of a chain; runs in the consumer's transaction, after its idempotency check. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(ChainEvent event) {
        entries.lockChain(event.chainId());
        entries.persist(TimelineEntry.of(event, TimelineSummarizer.summarize(event), payload(event), now()));
        Optional<Incident> existing = incidents.findByChainId(event.chainId());
        if (existing.isPresent()) {
            apply(existing.get(), event);
        } else if (event.details() instanceof AnomalyDetected anomaly) {
            Incident incident = Incident.open(UUID.randomUUID().toString(), event, anomaly);
            incidents.persist(incident);
            LOG.infof("Incident %s opened: %s %s (chain %s)", incident.id, incident.key(), incident.triggerVersion,
                    incident.chainId);
            // The chain's deployment, even its rollback, may have arrived before the anomaly.
            for (TimelineEntry earlier : entries.forChain(event.chainId())) {
                if (!TimelineKind.isDerived(earlier.type)) {
                    apply(incident, reread(earlier));
                }
            }
            // So may its fix, on a chain of its own.
            fixes.opened(incident);
        }
        fixes.record(event);
    }

    /** The incident's fixes, oldest link first, each with its deployment. */
    @Transactional
    public Map<IncidentFix, FixDeployment> fixes(Incident incident) {
        return fixes.fixesOf(incident);
    }

    @Transactional
    public List<Incident> search(String service, String environment) {
        return incidents.search(service, environment);
    }

    @Transactional
    public Optional<Incident> find(String id) {
        return incidents.findByIdOptional(id);
    }

    /** The incident's chain as people see it, ordered by event time, then arrival. */
    @Transactional
    public List<TimelineEntry> timeline(Incident incident) {
        return entries.forChain(incident.chainId).stream().filter(entry -> TimelineKind.isShown(entry.type)).toList();
    }

    /** The rollback decisions of the incident's chain, told from their stored events, the first decided first. */
    @Transactional
    public List<DecisionStory> decisions(Incident incident) {
        return DecisionStory.tell(entries.forChain(incident.chainId).stream()
                .filter(entry -> TimelineKind.isDecision(entry.type)).map(this::reread).toList());
    }

    private void apply(Incident incident, ChainEvent event) {
        if (event.details() instanceof DeploymentReported deployment) {
            incident.attachDeployment(event, deployment);
        } else if (event.details() instanceof RolloutReported rollout) {
            incident.attachRollout(event, rollout);
        } else if (event.details() instanceof ServiceRolledBack rollback && incident.resolve(event, rollback)) {
            outbox.enqueue(config.incidentsTopic(), incident.key(), events.resolved(incident));
            audit.recordAutomatic("incident.resolved", "incident/" + incident.id, "resolved", incident.key()
                    + " rolled back from " + incident.triggerVersion + " to " + incident.restoredVersion);
            LOG.infof("Incident %s resolved: %s rolled back from %s to %s", incident.id, incident.key(),
                    incident.triggerVersion, incident.restoredVersion);
        } else if (event.details() instanceof RollbackOutcome outcome && incident.noteRollbackOutcome(event, outcome)) {
            LOG.infof("Incident %s: rollback %s %s (%s)%s", incident.id, outcome.rollbackId(), outcome.result().label(),
                    outcome.detail(), incident.status == IncidentStatus.OPEN ? ", incident stays open" : "");
        }
    }

    private ChainEvent reread(TimelineEntry entry) {
        return ChainEvent.read(reader.read(entry.payload, null))
                .orElseThrow(() -> new IllegalStateException("Stored event " + entry.eventId + " is no chain event"));
    }

    private String payload(ChainEvent event) {
        try {
            return mapper.writeValueAsString(event.cloudEvent().toStructuredJson(mapper));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise event " + event.id(), e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
