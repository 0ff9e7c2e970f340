package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Target;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.RollbackExecutors;
import dev.lifeguard.deploy.repository.TargetRepository;
import dev.lifeguard.support.crypto.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** Which executor rolls each target back, with which settings; targets without a choice use the configured default. */
@ApplicationScoped
public class TargetService {

    /**
     * A target's executor and validated settings (secrets open: for the executor, never to be shown or logged; see
     * {@link #shown}), and its owning team (null: the platform's). {@code configured} is false for the default.
     */
    public record ExecutorChoice(String service, String environment, String executor, ObjectNode settings,
                                 boolean configured, OffsetDateTime updatedAt, String team) {

        /** Without the settings: they hold open secrets, and a choice may end up in a log line. */
        @Override
        public String toString() {
            return "ExecutorChoice[" + service + "/" + environment + ", executor=" + executor + ", team=" + team
                    + ", configured=" + configured + "]";
        }
    }

    /**
     * A target's rollout defaults: its strategy (null: all-at-once), the strategy of a redeploy after a rollback
     * (null: {@code lifeguard.deploy.redeploy-strategy}) and its gate.
     */
    public record Policy(ObjectNode strategy, ObjectNode redeployStrategy, boolean gateEnabled,
                         List<String> requiredSuites) {
        public static final Policy DEFAULT = new Policy(null, null, true, List.of());
    }

    /** The executor named is not in this build. */
    public static class UnknownExecutorException extends RuntimeException {
        public UnknownExecutorException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = Logger.getLogger(TargetService.class);
    private static final String MASK = "********";

    private final TargetRepository targets;
    private final RollbackExecutors executors;
    private final DeployConfig config;
    private final ObjectMapper mapper;
    private final SecretBox secrets;

    public TargetService(TargetRepository targets, RollbackExecutors executors,
                         DeployConfig config, ObjectMapper mapper, SecretBox secrets) {
        this.secrets = secrets;
        this.targets = targets;
        this.executors = executors;
        this.config = config;
        this.mapper = mapper;
        if (executors.named(config.rollbackExecutor()).isEmpty()) {
            throw new IllegalStateException("No RollbackExecutor named '" + config.rollbackExecutor()
                    + "' (lifeguard.deploy.rollback-executor); known: " + executors.names());
        }
    }

    /**
     * Validates and stores a target's choice with its rollout defaults. {@code owner} sees
     * the target as it is (empty: not configured) under a row lock, in this transaction, and answers its owning team
     * from now on (null: the platform's), or throws when the caller may not change it: the check and the change
     * cannot interleave with another caller's change of the same target.
     *
     * @throws UnknownExecutorException for an executor this build does not have
     * @throws InvalidExecutorSettingsException for settings the executor refuses
     */
    @Transactional
    public ExecutorChoice choose(String service, String environment, String executorName, ObjectNode settings,
                                 Policy policy, Function<Optional<ExecutorChoice>, String> owner) {
        String team = owner.apply(targets.findForUpdate(service, environment).map(this::choice));
        RollbackExecutor executor = executors.named(executorName).orElseThrow(() -> new UnknownExecutorException(
                "no executor named '" + executorName + "'; known: " + String.join(", ", executors.names())));
        ObjectNode validated = executor.validate(settings == null ? mapper.createObjectNode() : settings.deepCopy());
        Target target = targets.find(service, environment).orElseGet(() -> {
            Target created = new Target();
            created.key = new Target.Key(service, environment);
            return created;
        });
        target.executor = executorName;
        target.team = team;
        target.settings = sealed(executor, validated).toString();
        target.strategy = policy.strategy() == null ? null : policy.strategy().toString();
        target.redeployStrategy = policy.redeployStrategy() == null ? null : policy.redeployStrategy().toString();
        ObjectNode gate = mapper.createObjectNode().put("enabled", policy.gateEnabled());
        policy.requiredSuites().forEach(gate.putArray("requiredSuites")::add);
        target.gate = gate.toString();
        target.updatedAt = DeploymentService.now();
        targets.persist(target);
        LOG.infof("Target %s/%s now rolls back with %s", service, environment, executorName);
        return choice(target);
    }

    /** Forgets a configured target once {@code authorize} (under a row lock, in this transaction) allows it. */
    @Transactional
    public boolean forget(String service, String environment, Consumer<ExecutorChoice> authorize) {
        Optional<Target> target = targets.findForUpdate(service, environment);
        if (target.isEmpty()) {
            return false;
        }
        authorize.accept(choice(target.get()));
        targets.delete(target.get());
        return true;
    }

    /** The target's choice, or the default executor with no settings. */
    @Transactional
    public ExecutorChoice choiceFor(String service, String environment) {
        return targets.find(service, environment).map(this::choice)
                .orElseGet(() -> new ExecutorChoice(service, environment, config.rollbackExecutor(),
                        mapper.createObjectNode(), false, null, null));
    }

    @Transactional
    public Optional<ExecutorChoice> configured(String service, String environment) {
        return targets.find(service, environment).map(this::choice);
    }

    @Transactional
    public List<ExecutorChoice> all() {
        return targets.all().stream().map(this::choice).toList();
    }

    /** A copy of the settings fit to show: the executor's secret settings replaced. */
    public ObjectNode shown(ExecutorChoice choice) {
        ObjectNode shown = choice.settings().deepCopy();
        // URLs (a webhook's) may carry a token in their user info or query: shown without them
        List<String> names = new java.util.ArrayList<>();
        shown.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode value = shown.get(name);
            if (value.isTextual() && value.asText().regionMatches(true, 0, "http", 0, 4)) {
                shown.put(name, withoutCredentials(value.asText()));
            }
        }
        executors.named(choice.executor()).ifPresent(executor -> executor.secretSettings().forEach(secret -> {
            if (shown.has(secret)) {
                shown.put(secret, MASK);
            }
        }));
        return shown;
    }

    /** {@code url} with its user info and query masked; all of it masked when it cannot be read as a URI. */
    static String withoutCredentials(String url) {
        try {
            java.net.URI uri = new java.net.URI(url);
            if (uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
                return url;
            }
            return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : MASK + "@") + uri.getHost()
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + MASK);
        } catch (java.net.URISyntaxException e) {
            return MASK;
        }
    }

    /** The target's rollout defaults ({@link Policy#DEFAULT} for a target without a body). */
    @Transactional
    public Policy policyFor(String service, String environment) {
        return targets.find(service, environment).map(this::policy).orElse(Policy.DEFAULT);
    }

    /** The strategy of a redeploy after a rollback: the target's, else the configured one. */
    public ObjectNode redeployStrategy(Policy policy) {
        if (policy.redeployStrategy() != null) {
            return policy.redeployStrategy();
        }
        try {
            return Strategies.parse(mapper.readTree(config.redeployStrategy()), "lifeguard.deploy.redeploy-strategy");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lifeguard.deploy.redeploy-strategy is not JSON", e);
        }
    }

    private Policy policy(Target target) {
        ObjectNode gate = target.gate == null ? mapper.createObjectNode() : Strategies.read(target.gate);
        List<String> required = new java.util.ArrayList<>();
        gate.path("requiredSuites").forEach(suite -> required.add(suite.asText()));
        return new Policy(target.strategy == null ? null : Strategies.read(target.strategy),
                target.redeployStrategy == null ? null : Strategies.read(target.redeployStrategy),
                gate.path("enabled").asBoolean(true), List.copyOf(required));
    }

    public RollbackExecutors executors() {
        return executors;
    }

    private ExecutorChoice choice(Target target) {
        ObjectNode stored;
        try {
            stored = (ObjectNode) mapper.readTree(target.settings);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("settings of target " + target.key + " are not a JSON object", e);
        }
        return new ExecutorChoice(target.key.service(), target.key.environment(), target.executor, opened(target.executor,
                stored), true, target.updatedAt, target.team);
    }

    /** The settings as stored: each secret setting sealed (SecretBox), so a database dump shows no secret. */
    private ObjectNode sealed(RollbackExecutor executor, ObjectNode validated) {
        ObjectNode stored = validated.deepCopy();
        for (String secret : executor.secretSettings()) {
            JsonNode value = stored.get(secret);
            if (value != null && value.isTextual()) {
                stored.put(secret, secrets.seal(value.asText()));
            }
        }
        return stored;
    }

    /** The settings for the executor: sealed secrets opened; plain ones (stored before sealing existed) as they are. */
    private ObjectNode opened(String executorName, ObjectNode stored) {
        executors.named(executorName).ifPresent(executor -> {
            for (String secret : executor.secretSettings()) {
                JsonNode value = stored.get(secret);
                if (value != null && value.isTextual()) {
                    stored.put(secret, secrets.open(value.asText()));
                }
            }
        });
        return stored;
    }
}
