package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What a report may ask beyond the deployment itself: a {@code strategy} (null: the target's default), the
 * {@code tests} it passed (REST), the incidents it {@code fixes}; {@code rest} when a person or CI asked over REST
 * (refusals are answered then; a CI event is recorded whatever happens).
 */
public record DeploymentOptions(ObjectNode strategy, Tests tests, List<String> fixes, boolean rest) {

    public static final DeploymentOptions NONE = new DeploymentOptions(null, null, List.of(), false);

    /** Test results named on a REST deployment. */
    public record Tests(int passed, int failed, List<String> suites) {
    }

    public static DeploymentOptions ci(List<String> fixes) {
        return new DeploymentOptions(null, null, fixes, false);
    }
}
