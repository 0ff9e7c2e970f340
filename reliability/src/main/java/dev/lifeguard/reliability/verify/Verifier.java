package dev.lifeguard.reliability.verify;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.ServiceInstance;
import dev.lifeguard.reliability.ChaosOptions;
import dev.lifeguard.reliability.Topology;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.fault.FaultLog;
import dev.lifeguard.reliability.workload.Inputs;
import dev.lifeguard.reliability.workload.Target;
import dev.lifeguard.reliability.webhook.WebhookRecorder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Waits (bounded) until the platform has processed everything, then judges it against the ledger of acknowledged
 * inputs and the fault log. Nothing here trusts the suite's own view of what happened: every fact is read back
 * from the services' REST APIs, the DLQ topics, the consumer groups' offsets and the webhook's record.
 */
public final class Verifier implements AutoCloseable {

    private static final Duration POLL = Duration.ofSeconds(3);
    private static final int FINAL_READ_ATTEMPTS = 3;

    /** The checks and how the wait for convergence went. */
    public record Verification(List<Check> checks, boolean converged, Duration waited) {

        public boolean passed() {
            return checks.stream().noneMatch(Check::failed);
        }
    }

    private final Platform platform;
    private final Inputs inputs;
    private final FaultLog faults;
    private final PlatformReader reader;

    public Verifier(Platform platform, Http http, String runId, Inputs inputs, FaultLog faults,
                    WebhookRecorder webhook) {
        this.platform = platform;
        this.inputs = inputs;
        this.faults = faults;
        this.reader = new PlatformReader(platform, http, runId, webhook);
    }

    /**
     * Polls until every awaited check passes and the platform is quiet (no consumer lag, no unsent outbox row, no
     * pending delivery), or the bound passes; then reads everything afresh and judges it.
     */
    public Verification awaitAndVerify(Duration bound, Consumer<String> say) {
        long start = System.nanoTime();
        Instant deadline = Instant.now().plus(bound);
        Map<String, Observation.TargetView> settled = new HashMap<>();
        boolean converged = false;
        while (true) {
            List<String> unsettled = inputs.targets().stream().map(target -> target.target().service())
                    .filter(service -> !settled.containsKey(service)).toList();
            try {
                Observation observation = reader.observe(unsettled, settled);
                List<Check> checks = checks(observation, null, bound);
                List<String> waitingFor = checks.stream().filter(check -> check.failed() && check.awaited())
                        .map(Check::name).toList();
                if (waitingFor.isEmpty()) {
                    converged = true;
                    break;
                }
                remember(observation, settled);
                say.accept(String.format("… converging (%d s): waiting for %s", elapsed(start).toSeconds(),
                        String.join("; ", waitingFor)));
            } catch (RuntimeException e) {
                say.accept("… converging: could not read the platform yet (" + e.getMessage() + ")");
            }
            if (Instant.now().plus(POLL).isAfter(deadline)) {
                break;
            }
            pause(POLL);
        }
        Duration waited = elapsed(start);
        Observation last = finalObservation(say);
        return new Verification(checks(last, converged ? waited : null, bound), converged, waited);
    }

    /** Everything read afresh; a read that fails (a broker hiccup) is tried again a few times. */
    private Observation finalObservation(Consumer<String> say) {
        List<String> all = inputs.targets().stream().map(target -> target.target().service()).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                return reader.observe(all, Map.of());
            } catch (RuntimeException e) {
                if (attempt == FINAL_READ_ATTEMPTS) {
                    throw e;
                }
                say.accept("… could not read the platform's final state (" + e.getMessage() + "); trying again");
                pause(POLL);
            }
        }
    }

    /** Targets in their final state need not be read again while waiting (the final read reads all). */
    private void remember(Observation observation, Map<String, Observation.TargetView> settled) {
        for (Inputs.TargetInputs target : inputs.targets()) {
            Observation.TargetView view = observation.targets().get(target.target().service());
            if (target.done() && target.fullyAcknowledged() && view != null && view.reachable()
                    && view.analysedSamples() >= target.ackedSamples().size()
                    && (target.target().failing() ? failingDone(view) : healthyDone(view))) {
                settled.put(target.target().service(), view);
            }
        }
    }

    private static boolean failingDone(Observation.TargetView view) {
        return rolledBack(view) && view.executedRollbacks() >= 1 && !view.decisions().isEmpty() && view.anomalies() >= 1
                && view.incidents().stream().anyMatch(incident -> incident.startsWith("RESOLVED"))
                && view.failedVerdicts(Target.NEW_VERSION) >= 1;
    }

    private static boolean healthyDone(Observation.TargetView view) {
        return Target.NEW_VERSION.equals(view.currentVersion());
    }

    private static boolean rolledBack(Observation.TargetView view) {
        return Target.STABLE_VERSION.equals(view.currentVersion()) && "ROLLED_BACK".equals(view.status())
                && "ROLLED_BACK".equals(view.statusOf(Target.NEW_VERSION));
    }

    // --- the checks --------------------------------------------------------------------------------------------

    List<Check> checks(Observation observation, Duration convergedAfter, Duration bound) {
        List<Inputs.TargetInputs> all = new ArrayList<>(inputs.targets());
        List<Inputs.TargetInputs> complete = all.stream().filter(Inputs.TargetInputs::fullyAcknowledged).toList();
        List<Inputs.TargetInputs> failing = complete.stream().filter(target -> target.target().failing()).toList();
        List<Inputs.TargetInputs> healthy = complete.stream().filter(target -> !target.target().failing()).toList();
        Map<String, Observation.TargetView> views = observation.targets();
        List<Check> checks = new ArrayList<>();

        checks.add(Check.of("workload: targets with every input acknowledged",
                "≥ " + ChaosOptions.MIN_TARGETS + ", ≥ " + ChaosOptions.MIN_TARGETS / 2 + " failing",
                complete.size() + " of " + all.size() + " (" + failing.size() + " failing)",
                complete.size() >= ChaosOptions.MIN_TARGETS && failing.size() >= ChaosOptions.MIN_TARGETS / 2
                        && complete.size() == all.size(), false, inputs.abandonedReasons()));
        checks.addAll(faultChecks());

        checks.add(presence("acked ⊆ consumed: v1 reported over REST", "in deploy-service's history",
                all.stream().filter(Inputs.TargetInputs::stableReported).toList(), views,
                (target, view) -> view.hasDeployment(Target.STABLE_VERSION)));
        checks.add(presence("acked ⊆ consumed: v2 CI events on " + Topology.CI, "in deploy-service's history",
                all.stream().filter(Inputs.TargetInputs::ciAcked).toList(), views,
                (target, view) -> view.hasChain(target.chainId())));
        checks.add(samples(all, views));
        checks.add(malformedDeadLettered(observation));

        checks.add(perTarget("failing: v2 rolled back, v1 running again", failing, views, true,
                (target, view) -> rolledBack(view) ? null : "runs " + view.currentVersion() + " (" + view.status()
                        + "), v2 " + view.statusOf(Target.NEW_VERSION)));
        checks.add(perTarget("failing: v2's analysis FAILED (GET /api/v1/analyses)", failing, views, true,
                (target, view) -> Target.NEW_VERSION.equals(view.analysedVersion())
                        && "FAILED".equals(view.analysisStatus()) ? null
                        : "analysis of " + view.analysedVersion() + " " + view.analysisStatus()));
        checks.add(exactlyOne("failing: executed rollbacks (deploy-service)", failing, views,
                view -> view.executedRollbacks(), view -> "rows " + view.rollbackRows()));
        checks.add(exactlyOne("failing: ROLL_BACK decisions (rollback-service)", failing, views,
                view -> (int) view.decisions().stream().filter("ROLL_BACK"::equals).count(),
                view -> "decisions " + view.decisions()));
        checks.add(exactlyOne("failing: anomalies (monitor-service)", failing, views,
                view -> view.anomalies(), view -> view.anomalies() + " anomalies"));
        checks.add(exactlyOne("failing: FAILED verdicts of v2 on " + Topology.ANALYSES + " (read committed)", failing,
                views, view -> (int) view.failedVerdicts(Target.NEW_VERSION), view -> "verdicts " + view.verdicts()));
        checks.add(exactlyOne("failing: incidents (postmortem-service)", failing, views,
                view -> view.incidents().size(), view -> "incidents " + view.incidents()));
        checks.add(perTarget("failing: the incident is resolved, v2 → v1", failing, views, true,
                (target, view) -> view.incidents().stream().anyMatch(incident -> incident.equals("RESOLVED "
                        + Target.NEW_VERSION + "→" + Target.STABLE_VERSION)) ? null : "incidents " + view.incidents()));
        checks.add(perTarget("healthy: v2's analysis RUNNING (its window outlasts the run), no verdict failed", healthy,
                views, false, (target, view) -> view.verdicts().stream().noneMatch(Observation.Verdict::failed)
                        && (view.analysedVersion() == null || Target.NEW_VERSION.equals(view.analysedVersion())
                        && "RUNNING".equals(view.analysisStatus())) ? null
                        : "analysis of " + view.analysedVersion() + " " + view.analysisStatus() + ", verdicts "
                        + view.verdicts()));
        checks.add(judgedOnce(all, views));
        checks.add(perTarget("healthy: v2 running; no anomaly, decision, rollback, incident", healthy, views, true,
                (target, view) -> healthyDone(view) && view.rollbackRows().isEmpty() && view.decisions().isEmpty()
                        && view.anomalies() == 0 && view.incidents().isEmpty() ? null
                        : "runs " + view.currentVersion() + ", rollbacks " + view.rollbackRows() + ", decisions "
                        + view.decisions() + ", anomalies " + view.anomalies() + ", incidents " + view.incidents()));

        checks.addAll(chatChecks(observation, failing));
        checks.addAll(deadLetterChecks(observation));
        checks.add(parked(observation));
        checks.add(quiet(observation, convergedAfter, bound));
        return checks;
    }

    private List<Check> faultChecks() {
        List<Check> checks = new ArrayList<>();
        List<FaultLog.Entry> kills = faults.of(FaultLog.Kind.KILL);
        Map<LifeguardService, Integer> perService = new EnumMap<>(LifeguardService.class);
        Set<String> instancesKilled = new HashSet<>();
        for (FaultLog.Entry kill : kills) {
            instancesKilled.add(kill.subject());
            platform.instances().stream().filter(instance -> instance.componentName().equals(kill.subject()))
                    .findFirst().ifPresent(instance -> perService.merge(instance.service(), 1, Integer::sum));
        }
        List<String> neverBack = kills.stream().filter(kill -> kill.took() == null)
                .map(kill -> kill.subject() + " killed at +" + seconds(kill.at()) + " never came back").toList();
        Duration slowest = kills.stream().map(FaultLog.Entry::took).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        List<String> neverKilled = platform.instances().stream().map(ServiceInstance::service).distinct()
                .filter(service -> !perService.containsKey(service)).map(service -> service.moduleName()
                        + " never killed").toList();
        List<String> offenders = new ArrayList<>(neverKilled);
        offenders.addAll(neverBack);
        checks.add(Check.of("faults: kill -9, each service in turn, restarted", "every service killed, all back",
                kills.size() + " kills of " + instancesKilled.size() + " instances, " + (kills.size() - neverBack.size())
                        + " back (slowest " + seconds(slowest) + ")", offenders.isEmpty() && !kills.isEmpty(),
                false, offenders));
        List<FaultLog.Entry> freezes = faults.of(FaultLog.Kind.FREEZE);
        checks.add(Check.of("faults: PostgreSQL frozen (SIGSTOP) mid-stream", "once, " + "≥ 10 s",
                freezes.size() + (freezes.size() == 1 && freezes.get(0).took() != null
                        ? " × " + seconds(freezes.get(0).took()) + " at +" + seconds(freezes.get(0).at()) : ""),
                freezes.size() == 1 && freezes.get(0).took() != null
                        && freezes.get(0).took().compareTo(Duration.ofMillis(9500)) >= 0, false, errors()));
        List<FaultLog.Entry> restarts = faults.of(FaultLog.Kind.KAFKA_RESTART);
        checks.add(Check.of("faults: Kafka broker restarted, data kept", "once",
                restarts.size() + (restarts.size() == 1 ? " at +" + seconds(restarts.get(0).at()) + ", back in "
                        + seconds(restarts.get(0).took()) : ""), restarts.size() == 1, false, errors()));
        Map<String, Inputs.Malformed> malformed = inputs.malformed();
        Set<String> topicsHit = malformed.values().stream().map(Inputs.Malformed::topic).collect(Collectors.toSet());
        List<String> missed = Topology.consumedTopics().stream().filter(topic -> !topicsHit.contains(topic))
                .map(topic -> topic + ": no malformed record acknowledged").toList();
        checks.add(Check.of("faults: malformed records on every consumed topic",
                Topology.consumedTopics().size() + " topics, both kinds",
                malformed.size() + " acked on " + topicsHit.size() + " topics (" + inputs.malformedUnackedCount()
                        + " unacked)", missed.isEmpty(), false, missed));
        return checks;
    }

    private List<String> errors() {
        return faults.of(FaultLog.Kind.ERROR).stream().map(entry -> "+" + seconds(entry.at()) + " " + entry.subject()
                + ": " + entry.detail()).toList();
    }

    private interface TargetRule {
        /** Null when the target is fine, else what is wrong with it. */
        String problem(Inputs.TargetInputs target, Observation.TargetView view);
    }

    private Check perTarget(String name, List<Inputs.TargetInputs> targets, Map<String, Observation.TargetView> views,
                            boolean awaited, TargetRule rule) {
        List<String> offenders = new ArrayList<>();
        for (Inputs.TargetInputs target : targets) {
            Observation.TargetView view = views.get(target.target().service());
            String problem = view == null || !view.reachable() ? "not readable (no instance answered)"
                    : rule.problem(target, view);
            if (problem != null) {
                offenders.add(target.target().service() + ": " + problem);
            }
        }
        return Check.of(name, "all " + targets.size(), (targets.size() - offenders.size()) + " of " + targets.size(),
                offenders.isEmpty(), awaited, offenders);
    }

    private Check presence(String name, String where, List<Inputs.TargetInputs> acked,
                           Map<String, Observation.TargetView> views, java.util.function.BiPredicate<Inputs.TargetInputs,
            Observation.TargetView> present) {
        Check check = perTarget(name, acked, views, true,
                (target, view) -> present.test(target, view) ? null : "acknowledged, not " + where);
        return new Check(check.name(), acked.size() + " acked", check.actual() + " " + where,
                check.result(), check.awaited(), check.details());
    }

    /** Exactly one per target: too few may still come (awaited), too many is a duplicate that never goes away. */
    private Check exactlyOne(String name, List<Inputs.TargetInputs> targets, Map<String, Observation.TargetView> views,
                             java.util.function.ToIntFunction<Observation.TargetView> count,
                             java.util.function.Function<Observation.TargetView, String> describe) {
        List<String> offenders = new ArrayList<>();
        boolean missing = false;
        for (Inputs.TargetInputs target : targets) {
            Observation.TargetView view = views.get(target.target().service());
            int found = view == null || !view.reachable() ? 0 : count.applyAsInt(view);
            if (found != 1) {
                missing |= found == 0;
                offenders.add(target.target().service() + ": " + found + " (" + (view == null ? "unread"
                        : describe.apply(view)) + ")");
            }
        }
        return Check.of(name, "exactly 1 each for " + targets.size(), (targets.size() - offenders.size())
                + " with exactly 1", offenders.isEmpty(), missing, offenders);
    }

    /**
     * Nothing judged twice: every deployment's analysis ends in at most one verdict on {@code lifeguard.analyses}
     * (read committed, counted by deployment id, and rollback id for a deployment a rollback restored and monitor-service
     * analysed again), whatever was killed or restarted meanwhile. Not awaited: a second verdict never goes away.
     */
    private Check judgedOnce(List<Inputs.TargetInputs> targets, Map<String, Observation.TargetView> views) {
        int verdicts = 0;
        Set<String> deployments = new HashSet<>();
        List<String> offenders = new ArrayList<>();
        for (Inputs.TargetInputs target : targets) {
            Observation.TargetView view = views.get(target.target().service());
            if (view == null || !view.reachable()) {
                continue;
            }
            verdicts += view.verdicts().size();
            Map<String, List<Observation.Verdict>> byDeployment = view.verdicts().stream()
                    .collect(Collectors.groupingBy(Observation.Verdict::analysis, LinkedHashMap::new,
                            Collectors.toList()));
            deployments.addAll(byDeployment.keySet());
            byDeployment.forEach((deployment, ofDeployment) -> {
                if (ofDeployment.size() > 1) {
                    offenders.add(target.target().service() + " deployment " + deployment + ": "
                            + ofDeployment.size() + " verdicts " + ofDeployment);
                }
            });
        }
        return Check.of("nothing judged twice: verdicts per deployment on " + Topology.ANALYSES, "≤ 1 each",
                verdicts + " verdicts of " + deployments.size() + " analyses, " + offenders.size()
                        + " judged twice", offenders.isEmpty(), false, offenders);
    }

    /**
     * Every acknowledged sample counted once in v2's analysis: acked ≤ counted ≤ sent, so exactly acked for a target
     * whose every sample was acknowledged (a sample sent but not acked may count). Exact for failing targets too,
     * because the suite's platform runs with a spec whose failureLimit is the number of samples per target
     * ({@link Target#ANALYSIS_SPEC}): a failing analysis ends with its last sample, none arrives late.
     */
    private Check samples(List<Inputs.TargetInputs> all, Map<String, Observation.TargetView> views) {
        int acked = 0;
        int counted = 0;
        boolean missing = false;
        List<String> offenders = new ArrayList<>();
        for (Inputs.TargetInputs target : all) {
            int ackedHere = target.ackedSamples().size();
            if (ackedHere == 0) {
                continue;
            }
            acked += ackedHere;
            Observation.TargetView view = views.get(target.target().service());
            long inWindow = view == null || !view.reachable() || !Target.NEW_VERSION.equals(view.analysedVersion())
                    ? 0 : view.analysedSamples();
            counted += (int) Math.min(inWindow, ackedHere);
            if (inWindow < ackedHere || inWindow > target.samplesSent()) {
                missing |= inWindow < ackedHere;
                offenders.add(target.target().service() + ": " + ackedHere + " acked, " + target.samplesSent()
                        + " sent, monitor counts " + inWindow + " for " + (view == null ? "?" : view.analysedVersion()));
            }
        }
        long rest = all.stream().flatMap(target -> target.ackedSamples().stream())
                .filter(sample -> sample.via() == Inputs.Transport.REST).count();
        return Check.of("acked ⊆ consumed: error-rate samples (REST + " + Topology.METRICS + ")",
                acked + " acked (" + rest + " REST, " + (acked - rest) + " Kafka)",
                counted + " counted in v2's analyses", offenders.isEmpty(), missing, offenders);
    }

    private Check malformedDeadLettered(Observation observation) {
        Map<String, Map<String, Integer>> copies = copiesByMarkerAndGroup(observation);
        int expected = 0;
        int found = 0;
        List<String> offenders = new ArrayList<>();
        for (Inputs.Malformed record : inputs.malformed().values()) {
            for (String group : Topology.READERS.get(record.topic())) {
                expected++;
                if (copies.getOrDefault(record.marker(), Map.of()).getOrDefault(group, 0) > 0) {
                    found++;
                } else {
                    offenders.add(record.topic() + " " + record.marker() + " (" + record.kind()
                            + "): not in the DLQ from " + group);
                }
            }
        }
        return Check.of("acked ⊆ consumed: malformed records in <topic>.dlq, once per reading group",
                expected + " (records × groups)", found + " found", offenders.isEmpty(), true, offenders);
    }

    private Map<String, Map<String, Integer>> copiesByMarkerAndGroup(Observation observation) {
        Map<String, Map<String, Integer>> copies = new HashMap<>();
        for (Observation.DeadLetter letter : observation.deadLetters()) {
            if (letter.marker() != null) {
                copies.computeIfAbsent(letter.marker(), ignored -> new HashMap<>())
                        .merge(String.valueOf(letter.group()), 1, Integer::sum);
            }
        }
        return copies;
    }

    private List<Check> chatChecks(Observation observation, List<Inputs.TargetInputs> failing) {
        List<WebhookRecorder.Post> posts = observation.posts();
        Map<String, Set<String>> keysByEvent = new LinkedHashMap<>();
        Map<String, Integer> postsByKey = new HashMap<>();
        for (WebhookRecorder.Post post : posts) {
            keysByEvent.computeIfAbsent(post.path() + " " + post.eventId(), ignored -> new HashSet<>())
                    .add(post.idempotencyKey());
            postsByKey.merge(post.path() + " " + post.idempotencyKey(), 1, Integer::sum);
        }
        List<String> twice = keysByEvent.entrySet().stream().filter(entry -> entry.getValue().size() > 1)
                .map(entry -> "event " + entry.getKey() + " delivered under " + entry.getValue().size() + " keys "
                        + entry.getValue()).toList();
        Set<String> announced = posts.stream().filter(post -> post.eventType().contains("service.rolledback"))
                .map(post -> post.subject()).collect(Collectors.toSet());
        List<String> silent = failing.stream().filter(target -> !announced.contains(target.target().key()))
                .map(target -> target.target().service() + ": no service.rolledback message").toList();
        List<String> resent = postsByKey.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(entry -> "key " + entry.getKey() + " posted " + entry.getValue() + " times").toList();
        int resends = postsByKey.values().stream().mapToInt(count -> count - 1).sum();
        return List.of(
                Check.of("chat: no message delivered twice (one key per path and event)", "0 events with 2+ keys",
                        twice.size() + " of " + keysByEvent.size() + " events (" + posts.size() + " POSTs)",
                        twice.isEmpty(), false, twice),
                Check.of("chat: every failing target's rollback reached the webhook", "all " + failing.size(),
                        (failing.size() - silent.size()) + " of " + failing.size(), silent.isEmpty(), true, silent),
                Check.info("chat: HTTP re-sends of one delivery (same key; at-least-once, reported)",
                        "reported, not asserted", resends + " re-sends", resent));
    }

    private List<Check> deadLetterChecks(Observation observation) {
        List<Observation.DeadLetter> letters = observation.deadLetters();
        List<String> valid = letters.stream().filter(letter -> letter.marker() == null)
                .map(letter -> letter.dlqTopic() + " from " + letter.group() + ": " + letter.reason() + " | "
                        + letter.valueExcerpt()).toList();
        List<String> reasonless = letters.stream().filter(letter -> letter.marker() != null)
                .filter(letter -> letter.reason() == null || letter.reason().isBlank())
                .map(letter -> letter.dlqTopic() + " " + letter.marker() + " from " + letter.group() + ": no reason")
                .toList();
        List<String> groupless = letters.stream().filter(letter -> letter.marker() != null)
                .filter(letter -> letter.group() == null || !Topology.READERS.getOrDefault(letter.originTopic(),
                        List.of()).contains(letter.group()))
                .map(letter -> letter.dlqTopic() + " " + letter.marker() + ": group " + letter.group()
                        + " does not read " + letter.originTopic()).toList();
        List<String> offenders = new ArrayList<>(reasonless);
        offenders.addAll(groupless);
        int duplicates = 0;
        List<String> duplicated = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> marker : copiesByMarkerAndGroup(observation).entrySet()) {
            for (Map.Entry<String, Integer> group : marker.getValue().entrySet()) {
                if (group.getValue() > 1) {
                    duplicates += group.getValue() - 1;
                    duplicated.add(marker.getKey() + " from " + group.getKey() + ": " + group.getValue() + " copies");
                }
            }
        }
        long ours = letters.size() - valid.size();
        return List.of(
                Check.of("DLQ: no valid record in any DLQ", "0", valid.size() + " of " + letters.size() + " records",
                        valid.isEmpty(), false, valid),
                Check.of("DLQ: every dead letter names its reason and group", "all " + ours,
                        (ours - offenders.size()) + " of " + ours, offenders.isEmpty(), false, offenders),
                Check.info("DLQ: extra copies (a kill between dead-lettering and commit; reported)",
                        "reported, not asserted", duplicates + " extra", duplicated));
    }

    private Check parked(Observation observation) {
        List<String> offenders = new ArrayList<>();
        int parked = 0;
        for (Map.Entry<String, List<String>> service : observation.outboxParked().entrySet()) {
            if (service.getValue() == null) {
                offenders.add(service.getKey() + ": GET /api/v1/outbox?status=parked not answered");
            } else {
                parked += service.getValue().size();
                service.getValue().forEach(row -> offenders.add(service.getKey() + ": " + row));
            }
        }
        return Check.of("outbox: no parked row in any service", "0", Integer.toString(parked), offenders.isEmpty(),
                false, offenders);
    }

    private Check quiet(Observation observation, Duration convergedAfter, Duration bound) {
        List<String> busy = new ArrayList<>();
        observation.lag().forEach((group, lag) -> {
            if (lag != 0) {
                busy.add(group + (lag < 0 ? ": lag unknown" : " lags " + lag + " records"));
            }
        });
        observation.outboxPending().forEach((service, pending) -> {
            if (pending != 0) {
                busy.add(service + (pending < 0 ? ": outbox unreadable" : ": " + pending + " outbox rows unsent"));
            }
        });
        if (observation.pendingDeliveries() != 0) {
            busy.add(observation.pendingDeliveries() < 0 ? "notify-service: deliveries unreadable"
                    : "notify-service: " + observation.pendingDeliveries() + " deliveries pending");
        }
        String actual = convergedAfter != null ? "after " + convergedAfter.toSeconds() + " s"
                : busy.isEmpty() ? "quiet, other checks not met" : "not quiet";
        return Check.of("converged: consumers caught up, outboxes drained, no pending delivery",
                "within " + bound.toSeconds() + " s", actual, busy.isEmpty(), true, busy);
    }

    private static String seconds(Duration duration) {
        return duration == null ? "?" : String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
