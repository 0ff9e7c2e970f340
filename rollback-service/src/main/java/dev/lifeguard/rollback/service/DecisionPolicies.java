package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.rollback.DecisionPolicy;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.PolicySettings;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.rollback.event.PolicyJson;
import dev.lifeguard.rollback.repository.DecisionPolicyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The stored decision policies and the effective policy of a target: the service's policy merged field by field
 * over its environment's, over the defaults (mode auto: rollback-service's behaviour before policies existed).
 */
@ApplicationScoped
public class DecisionPolicies {

    private static final Logger LOG = Logger.getLogger(DecisionPolicies.class);

    private final DecisionPolicyRepository policies;
    private final ObjectMapper mapper;
    private final RollbackConfig config;

    public DecisionPolicies(DecisionPolicyRepository policies, ObjectMapper mapper, RollbackConfig config) {
        this.policies = policies;
        this.mapper = mapper;
        this.config = config;
    }

    /** A stored policy that applies, with its fields read. */
    public record StoredPolicy(DecisionPolicy row, PolicySettings settings) {
    }

    /** What a PUT did: the policy as stored now, and whether the scope had none (created) or one was replaced. */
    public record Saved(StoredPolicy policy, boolean created) {
    }

    /**
     * Who may change a policy: called, under the scope's lock, with the team of the policy the change replaces or
     * deletes (only when the scope has a live one); throws to refuse.
     */
    @FunctionalInterface
    public interface ManageCheck {
        void requireCanManage(String owningTeam);
    }

    /**
     * Stores {@code settings} as the policy of the scope ({@code service} null: environment-wide), owned by
     * {@code team} (null: the platform's), replacing the one there: its version is the scope's previous one plus one,
     * counting on after a delete. {@code check} sees the replaced policy's team first, under the scope's lock, so
     * a policy cannot change hands between the check and the write; then {@code assignCheck} runs (may the caller
     * give it {@code team}).
     */
    @Transactional
    public Saved put(String environment, String service, PolicySettings settings, String team, String by,
                     ManageCheck check, Runnable assignCheck) {
        if (service != null && settings.maxRollbacksPerHour() != null) {
            throw new InvalidPolicyException("maxRollbacksPerHour", "a service's policy cannot set maxRollbacksPerHour");
        }
        policies.lockScope(environment, service);
        Optional<DecisionPolicy> existing = policies.findScope(environment, service);
        boolean created = existing.isEmpty() || existing.get().deleted();
        if (!created) {
            check.requireCanManage(existing.get().team);
        }
        assignCheck.run();
        DecisionPolicy row = existing.orElseGet(() -> {
            DecisionPolicy policy = new DecisionPolicy();
            policy.environment = environment;
            policy.service = service == null ? DecisionPolicy.ENVIRONMENT_WIDE : service;
            return policy;
        });
        row.body = PolicyJson.settings(settings).toString();
        row.version = row.version + 1;
        row.updatedAt = now();
        row.updatedBy = by;
        row.team = team;
        row.deletedAt = null;
        if (existing.isEmpty()) {
            policies.persist(row);
        }
        LOG.infof("Policy %s v%d (team %s) %s by %s: %s", new DecisionPolicy.Scope(environment, service), row.version,
                team, created ? "created" : "replaced", by, row.body);
        return new Saved(new StoredPolicy(row, settings), created);
    }

    @Transactional
    public Optional<StoredPolicy> find(String environment, String service) {
        return policies.findLive(environment, service).map(this::read);
    }

    /** Every policy that applies, or those of one environment ({@code environment} null: all). */
    @Transactional
    public List<StoredPolicy> list(String environment) {
        return policies.listLive(environment).stream().map(this::read).toList();
    }

    /**
     * Deletes the policy of the scope: what it set is inherited again. The row stays as a tombstone, so the next
     * PUT goes on counting versions and an explanation's "v2" never names two bodies.
     *
     * @return false when the scope has no policy (a refused {@code check} throws)
     */
    @Transactional
    public boolean delete(String environment, String service, String by, ManageCheck check) {
        policies.lockScope(environment, service);
        Optional<DecisionPolicy> live = policies.findLive(environment, service);
        live.ifPresent(row -> {
            check.requireCanManage(row.team);
            row.deletedAt = now();
            row.updatedAt = row.deletedAt;
            row.updatedBy = by;
            LOG.infof("Policy %s v%d deleted by %s", new DecisionPolicy.Scope(environment, service), row.version, by);
        });
        return live.isPresent();
    }

    /**
     * The policy that applies to {@code service} in {@code environment}; call inside the deciding transaction (it
     * joins it, or opens one of its own when called outside one).
     */
    @Transactional
    public EffectivePolicy effective(String service, String environment) {
        EffectivePolicy effective = EffectivePolicy.defaults(config.approvalTimeout(), config.escalationTeam());
        for (DecisionPolicy row : List.of(policies.findLive(environment, null), policies.findLive(environment, service))
                .stream().flatMap(Optional::stream).toList()) {
            effective = read(row).settings().over(effective, row.source());
        }
        return effective;
    }

    private StoredPolicy read(DecisionPolicy row) {
        try {
            return new StoredPolicy(row, PolicyBodies.read(mapper.readTree(row.body), !row.environmentWide()));
        } catch (JsonProcessingException | InvalidPolicyException e) {
            // only a hand-edited row can get here; deciding with the defaults instead could act where it must not
            throw new IllegalStateException("stored policy " + row.environment + "/" + row.service + " v" + row.version
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
