package dev.lifeguard.deploy.executor.scripted;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test executor whose answers a test scripts per service, to drive the execution flow through its paths (retries,
 * failures, timeouts, acceptance). The real executors are tested against WireMock and the Kubernetes mock server.
 * Settings: {@code token} (a secret, to test masking).
 */
@ApplicationScoped
@Identifier(ScriptedRollbackExecutor.NAME)
public class ScriptedRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "scripted";

    public enum Step { DONE, ACCEPTED, TRANSIENT, FAIL, HANG, BLOCK }

    private final Map<String, List<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<RollbackPlan>> calls = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, List<Step>> stepScripts = new ConcurrentHashMap<>();
    private final Map<String, List<RolloutStep>> steps = new ConcurrentHashMap<>();

    /** The answers for the service's rollout steps (set-weight, promote, abort), one per call; the last one repeats. */
    public void scriptSteps(String service, Step... answers) {
        stepScripts.put(service, new CopyOnWriteArrayList<>(List.of(answers)));
        gates.putIfAbsent(service, new CountDownLatch(1));
    }

    /** The rollout step calls made for the service, in order. */
    public List<RolloutStep> steps(String service) {
        return steps.getOrDefault(service, List.of());
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        steps.computeIfAbsent(step.service(), service -> new CopyOnWriteArrayList<>()).add(step);
        List<Step> script = stepScripts.getOrDefault(step.service(), List.of(Step.DONE));
        Step answer = script.size() > 1 ? script.remove(0) : script.get(0);
        return answer(answer, step.service(), settings.path("label").asText("scripted") + " applied "
                + step.stepId());
    }

    /** The answers for the service's rollbacks, one per call; the last one repeats. */
    public void script(String service, Step... steps) {
        scripts.put(service, new CopyOnWriteArrayList<>(List.of(steps)));
        gates.put(service, new CountDownLatch(1));
    }

    /** Lets BLOCKed calls of the service go on (they then answer DONE). */
    public void release(String service) {
        gates.get(service).countDown();
    }

    public List<RollbackPlan> calls(String service) {
        return calls.getOrDefault(service, List.of());
    }

    /** Calls of the service's rollbacks that returned a result (not a failure). */
    public int answered(String service) {
        return answered.getOrDefault(service, new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        settings.fieldNames().forEachRemaining(name -> {
            if (!Set.of("token", "label").contains(name)) {
                throw new InvalidExecutorSettingsException(name, "unknown setting '" + name + "'");
            }
        });
        return settings;
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of("token");
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        calls.computeIfAbsent(plan.service(), service -> new CopyOnWriteArrayList<>()).add(plan);
        List<Step> script = scripts.getOrDefault(plan.service(), List.of(Step.DONE));
        Step step = script.size() > 1 ? script.remove(0) : script.get(0);
        String label = settings.path("label").asText("scripted");
        return answer(step, plan.service(), label + " rolled " + plan.service() + " back to " + plan.toVersion());
    }

    private ExecutionOutcome answer(Step step, String service, String done) {
        String label = done.split(" ")[0];
        return switch (step) {
            case DONE -> ExecutionOutcome.done(done);
            case ACCEPTED -> ExecutionOutcome.accepted(label + " accepted the call for " + service);
            case TRANSIENT -> throw new TransientExecutionException(label + ": platform answered 503");
            case FAIL -> throw new ExecutionFailedException(label + ": platform answered 403");
            case HANG -> {
                sleepQuietly(60_000);
                yield ExecutionOutcome.done("too late");
            }
            case BLOCK -> {
                try {
                    gates.get(service).await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answered.computeIfAbsent(service, name -> new java.util.concurrent.atomic.AtomicInteger())
                        .incrementAndGet();
                yield ExecutionOutcome.done(done + " after a wait");
            }
        };
    }

    private static void sleepQuietly(long millis) {
        try {
            new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
