package dev.lifeguard.postmortem.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.postmortem.FixDeployment;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.IncidentFix;
import dev.lifeguard.postmortem.TimelineEntry;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.postmortem.event.AnalysisFinished;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.RolloutReported;
import dev.lifeguard.postmortem.repository.FixDeploymentRepository;
import dev.lifeguard.postmortem.repository.IncidentFixRepository;
import dev.lifeguard.postmortem.repository.IncidentRepository;
import dev.lifeguard.postmortem.repository.TimelineEntryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Links deployments to the incidents they fix. A deployment that names incidents (their id, anomaly id or chain id)
 * is linked to those whenever its events come; one that names none is the candidate fix of every incident of its
 * target after whose opening it was the first deployment (by event time, so arrival order does not matter). Each
 * link's progress (deployed, verified, failed) is written on the incident's timeline as derived entries with ids
 * of their own, so that writing them again changes nothing.
 */
@ApplicationScoped
public class FixService {

    private static final Logger LOG = Logger.getLogger(FixService.class);

    private final FixDeploymentRepository deployments;
    private final IncidentFixRepository links;
    private final IncidentRepository incidents;
    private final TimelineEntryRepository entries;
    private final ObjectMapper mapper;

    public FixService(FixDeploymentRepository deployments, IncidentFixRepository links, IncidentRepository incidents,
                      TimelineEntryRepository entries, ObjectMapper mapper) {
        this.deployments = deployments;
        this.links = links;
        this.incidents = incidents;
        this.entries = entries;
        this.mapper = mapper;
    }

    /** Records what the event says about a deployment and relinks; runs in the consumer's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(ChainEvent event) {
        FixDeployment changed = null;
        if (event.details() instanceof RolloutReported rollout) {
            changed = rollout(event, rollout);
        } else if (event.details() instanceof DeploymentReported deployment && deployment.deploymentId() != null) {
            changed = deployed(event, deployment);
        } else if (event.details() instanceof AnalysisFinished analysis && analysis.deploymentId() != null
                && analysis.deploymentVerdict() && !"inconclusive".equals(analysis.outcome())) {
            changed = verdict(event, analysis);
        }
        if (changed != null) {
            relink(changed);
        }
    }

    /** An incident just opened: the fixes that came before it are linked now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void opened(Incident incident) {
        deployments.lockFixes();
        for (FixDeployment deployment : deployments.claiming(namesOf(incident))) {
            link(incident, deployment, IncidentFix.EXPLICIT);
        }
        pickCandidate(incident);
        writeTimeline(incident);
    }

    /** The incident's fixes, oldest link first, each with its deployment. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<IncidentFix, FixDeployment> fixesOf(Incident incident) {
        Map<IncidentFix, FixDeployment> fixes = new LinkedHashMap<>();
        for (IncidentFix link : links.forIncident(incident.id)) {
            fixes.put(link, deployments.findById(link.deploymentId));
        }
        return fixes;
    }

    private FixDeployment rollout(ChainEvent event, RolloutReported rollout) {
        FixDeployment deployment = deployment(event, rollout.deploymentId(), rollout.version());
        deployment.seen(event);
        deployment.claim(rollout.fixes());
        if (rollout.takesTraffic()) {
            deployment.deployed(event);
        }
        if (rollout.rolloutKind() == RolloutReported.Kind.PROMOTED) {
            deployment.verified(event, FixDeployment.VERIFIED_BY_PROMOTION);
        } else if (rollout.rolloutKind() == RolloutReported.Kind.ABORTED) {
            deployment.failed(event, FixDeployment.FAILED_BY_ABORT, rollout.reason());
        }
        return deployment;
    }

    private FixDeployment deployed(ChainEvent event, DeploymentReported reported) {
        FixDeployment deployment = deployment(event, reported.deploymentId(), reported.version());
        deployment.seen(event);
        deployment.claim(reported.fixes());
        deployment.deployed(event);
        return deployment;
    }

    /** Only the verdict at full traffic counts; a step's verdict shows in the rollout's promotion or abort. */
    private FixDeployment verdict(ChainEvent event, AnalysisFinished analysis) {
        FixDeployment deployment = deployment(event, analysis.deploymentId(), analysis.version());
        if ("passed".equals(analysis.outcome())) {
            deployment.verified(event, FixDeployment.VERIFIED_BY_ANALYSIS);
        } else {
            deployment.failed(event, FixDeployment.FAILED_BY_ANALYSIS, analysis.reason());
        }
        return deployment;
    }

    private FixDeployment deployment(ChainEvent event, String deploymentId, String version) {
        deployments.lockFixes();
        FixDeployment deployment = deployments.findById(deploymentId);
        if (deployment == null) {
            deployment = FixDeployment.of(deploymentId, event, version);
            deployments.persist(deployment);
        }
        return deployment;
    }

    /**
     * The deployment changed: the incidents it names, those it is linked to, and those of its target it may now be
     * the candidate of (opened before it arrived, with neither an explicit fix nor an earlier candidate) are relinked
     * and their timelines brought up to date.
     */
    private void relink(FixDeployment deployment) {
        deployments.flush();
        Set<Incident> affected = new LinkedHashSet<>();
        if (!deployment.claims.isEmpty()) {
            for (Incident incident : incidents.knownAs(List.copyOf(deployment.claims))) {
                link(incident, deployment, IncidentFix.EXPLICIT);
                affected.add(incident);
            }
        }
        affected.addAll(incidents.linkedTo(deployment.deploymentId));
        if (deployment.firstSeenAt != null && deployment.claims.isEmpty()) {
            affected.addAll(incidents.withoutEarlierFix(deployment.service, deployment.environment,
                    deployment.firstSeenAt));
        }
        for (Incident incident : affected) {
            pickCandidate(incident);
            writeTimeline(incident);
        }
    }

    private void link(Incident incident, FixDeployment deployment, String linkedBy) {
        IncidentFix existing = links.findById(new IncidentFix.Key(incident.id, deployment.deploymentId));
        if (existing == null) {
            links.persist(IncidentFix.of(incident.id, deployment.deploymentId, linkedBy, now()));
            LOG.infof("Incident %s: deployment %s (%s %s) linked as its fix (%s)", incident.id,
                    deployment.deploymentId, deployment.service, deployment.version, linkedBy);
        } else if (IncidentFix.EXPLICIT.equals(linkedBy) && !IncidentFix.EXPLICIT.equals(existing.linkedBy)) {
            existing.linkedBy = IncidentFix.EXPLICIT;
        }
    }

    /**
     * Without an explicit fix, the incident's candidate is the first unclaimed deployment of its target after it
     * opened; a candidate that is no longer that (an earlier one arrived late, an explicit fix came) is unlinked,
     * with the entries it put on the timeline.
     */
    private void pickCandidate(Incident incident) {
        links.flush();
        List<IncidentFix> current = links.forIncident(incident.id);
        boolean explicit = current.stream().anyMatch(link -> IncidentFix.EXPLICIT.equals(link.linkedBy));
        Optional<FixDeployment> candidate = explicit ? Optional.empty()
                : deployments.firstUnclaimedAfter(incident.service, incident.environment, incident.openedAt,
                incident.deploymentId);
        for (IncidentFix link : current) {
            if (IncidentFix.CANDIDATE.equals(link.linkedBy)
                    && candidate.map(found -> !found.deploymentId.equals(link.deploymentId)).orElse(true)) {
                entries.deleteByEventIds(List.of(TimelineKind.FIX_DEPLOYED, TimelineKind.FIX_VERIFIED,
                        TimelineKind.FIX_FAILED).stream().map(kind -> entryId(kind, incident, link.deploymentId)).toList());
                links.delete(link);
                LOG.infof("Incident %s: deployment %s is no longer its candidate fix", incident.id, link.deploymentId);
            }
        }
        candidate.ifPresent(found -> link(incident, found, IncidentFix.CANDIDATE));
    }

    /** One entry per state each fix reached, at the time it reached it; already written ones stay as they are. */
    private void writeTimeline(Incident incident) {
        links.flush();
        for (IncidentFix link : links.forIncident(incident.id)) {
            FixDeployment fix = deployments.findById(link.deploymentId);
            String what = fix.service + " " + fix.version + " (deployment " + fix.deploymentId + ", "
                    + (IncidentFix.EXPLICIT.equals(link.linkedBy) ? "named as the fix"
                    : "candidate: the first deployment after the incident") + ")";
            if (fix.deployedAt != null) {
                write(incident, link, fix, TimelineKind.FIX_DEPLOYED, fix.deployedAt, fix.deployedEventId,
                        fix.deployedEventType, "Fix deployed: " + what + " took traffic in " + fix.environment);
            }
            if (fix.verifiedAt != null) {
                write(incident, link, fix, TimelineKind.FIX_VERIFIED, fix.verifiedAt, fix.verifiedEventId,
                        fix.verifiedEventType, "Fix verified: " + what + (FixDeployment.VERIFIED_BY_PROMOTION
                                .equals(fix.verifiedBy) ? " was promoted to all traffic" : " passed its analysis"));
            }
            if (fix.failedAt != null) {
                write(incident, link, fix, TimelineKind.FIX_FAILED, fix.failedAt, fix.failedEventId,
                        fix.failedEventType, "Fix failed: " + what + (FixDeployment.FAILED_BY_ABORT.equals(fix.failedBy)
                                ? ": its rollout was aborted" : ": its analysis failed")
                                + (fix.failureReason != null ? " (" + fix.failureReason + ")" : ""));
            }
        }
    }

    private void write(Incident incident, IncidentFix link, FixDeployment fix, TimelineKind kind, OffsetDateTime at,
                       String causeId, String causeType, String summary) {
        String id = entryId(kind, incident, fix.deploymentId);
        if (entries.findByEventId(id).isPresent()) {
            return;
        }
        TimelineEntry entry = new TimelineEntry();
        entry.eventId = id;
        entry.chainId = incident.chainId;
        entry.time = at;
        entry.type = kind.label();
        entry.eventType = causeType;
        entry.summary = summary;
        entry.service = incident.service;
        entry.environment = incident.environment;
        entry.payload = payload(incident, link, fix, kind, causeId);
        entry.recordedAt = now();
        entries.persist(entry);
    }

    /** What the derived entry is made of (it has no event of its own): the link and the event that caused it. */
    private String payload(Incident incident, IncidentFix link, FixDeployment fix, TimelineKind kind, String causeId) {
        ObjectNode payload = mapper.createObjectNode();
        payload.put("entry", kind.label());
        payload.put("incidentId", incident.id);
        payload.put("deploymentId", fix.deploymentId);
        payload.put("version", fix.version);
        payload.put("linkedBy", link.linkedBy);
        payload.put("causeEventId", causeId);
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise the fix entry of incident " + incident.id, e);
        }
    }

    /** Stable per incident, deployment and state, within the column's 200 characters. */
    static String entryId(TimelineKind kind, Incident incident, String deploymentId) {
        String id = kind.label() + ":" + incident.id + ":" + deploymentId;
        return id.length() <= 200 ? id
                : kind.label() + ":" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> namesOf(Incident incident) {
        List<String> names = new ArrayList<>(List.of(incident.id, incident.chainId, incident.anomalyEventId));
        if (incident.anomalyId != null) {
            names.add(incident.anomalyId);
        }
        return names;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
