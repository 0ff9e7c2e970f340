package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.cli.DecisionText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decision policy {@code ./lifeguard demo --approval} stores for its service in its environment, and removes at
 * the end. The service's own scope, not the environment's: the demo's service is new each run, so nothing of anybody
 * else's is changed or deleted (an environment-wide policy would also ask approval for every other service there).
 */
final class ApprovalPolicy {

    static final String APPROVAL_TIMEOUT = "10m";
    static final String ON_APPROVAL_TIMEOUT = "hold";
    /** Who stores it: the subject of the demo's admin token. */
    static final String BY = "lifeguard-demo";

    private final Rest rest;
    private final String url;

    ApprovalPolicy(Rest rest, String rollbackServiceUrl, String service, String environment) {
        this.rest = rest;
        this.url = rollbackServiceUrl + path(service, environment);
    }

    static String path(String service, String environment) {
        return "/api/v1/policies/services/" + encode(service) + "/environments/" + encode(environment);
    }

    static Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", "approval");
        body.put("approvalTimeout", APPROVAL_TIMEOUT);
        body.put("onApprovalTimeout", ON_APPROVAL_TIMEOUT);
        return body;
    }

    /** PUTs the policy (as the platform's admin: the demo's policy belongs to no team); a refusal fails the demo with rollback-service's problem detail. */
    JsonNode store() {
        Rest.Response response = rest.put(url, body());
        if (response.status() != 201 && response.status() != 200) {
            throw new DemoFailure("rollback-service refused the demo's approval policy (PUT " + url + "): "
                    + response.status() + " " + response.body() + ". Does it run the issue 9 build (decision policies)?");
        }
        return Rest.json(response.body());
    }

    /** Removes it, so that a plain demo afterwards behaves as before; a failure is told, not fatal. */
    String remove() {
        try {
            Rest.Response response = rest.delete(url);
            return response.status() == 204 || response.status() == 200 || response.status() == 404 ? null
                    : "could not delete the demo's approval policy " + url + ": " + response.status() + " " + response.body();
        } catch (DemoFailure e) {
            return "could not delete the demo's approval policy " + url + ": " + e.getMessage();
        }
    }

    /** One line: {@code service checkout-ab12/production v1 → mode approval, approvalTimeout 10m, …}. */
    static String describe(JsonNode stored) {
        return "mode " + DecisionText.value(stored.path("mode")) + ", approvalTimeout "
                + DecisionText.value(stored.path("approvalTimeout")) + ", onApprovalTimeout "
                + DecisionText.value(stored.path("onApprovalTimeout")) + " (version "
                + DecisionText.value(stored.path("version")) + ")";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
