package dev.lifeguard.rollback.service;

import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.config.RollbackConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The stored decision policies and the effective policy of a target.
 *
 * <p>Placeholder committed first so the decision pipeline can be written against it: the policies work (issue 9, H1a)
 * replaces this class with storage, REST and the field-by-field merge.
 */
@ApplicationScoped
public class DecisionPolicies {

    private final RollbackConfig config;

    public DecisionPolicies(RollbackConfig config) {
        this.config = config;
    }

    /** The policy that applies to {@code service} in {@code environment}; call inside the deciding transaction. */
    public EffectivePolicy effective(String service, String environment) {
        return EffectivePolicy.defaults(config.approvalTimeout(), config.escalationTeam());
    }
}
