package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * rollback-service's {@code explanation} of a decision: the rule that decided, its one-line reason, the policy that
 * applied (with the stored policies it came from) and what the rules looked at. Only what the read model quotes is
 * read into fields; {@code document} keeps the whole explanation for the API.
 */
public record DecisionExplanation(String rule, String reason, List<PolicySource> sources, String mode, String trigger,
                                  String evidence, Integer depth, StormGuard stormGuard, JsonNode freezeWindow,
                                  String cooldown, String cooldownUntil, String wouldBe, String requestedBy,
                                  JsonNode document) {

    public DecisionExplanation {
        sources = List.copyOf(sources);
    }

    /**
     * The explanation at {@code /subject/content/explanation}; its rule and reason are required. Null when it is absent
     * and not {@code required} (a rollback request from a rollback-service that did not explain yet).
     */
    static DecisionExplanation read(CdEvent event, boolean required) {
        JsonNode explanation = event.content().path("explanation");
        if (!required && !explanation.isObject()) {
            return null;
        }
        String path = "/subject/content/explanation";
        JsonNode policy = explanation.path("policy");
        JsonNode inputs = explanation.path("inputs");
        List<PolicySource> sources = new ArrayList<>();
        for (JsonNode source : policy.path("sources")) {
            JsonNode version = source.path("version");
            sources.add(new PolicySource(text(source, "scope"), text(source, "environment"), text(source, "service"),
                    version.canConvertToInt() && version.isIntegralNumber() ? version.intValue() : null));
        }
        JsonNode storm = inputs.path("stormGuard");
        JsonNode depth = inputs.path("depth");
        return new DecisionExplanation(
                CdEvent.requiredText(event.document(), path + "/rule"),
                CdEvent.requiredText(event.document(), path + "/reason"),
                sources,
                text(policy, "mode"),
                text(inputs, "trigger"),
                text(inputs, "evidence"),
                depth.isIntegralNumber() && depth.canConvertToInt() ? depth.intValue() : null,
                storm.isObject() ? new StormGuard(integer(storm, "count"), integer(storm, "limit"),
                        text(storm, "window"), text(storm, "since")) : null,
                inputs.path("freezeWindow").isObject() ? inputs.path("freezeWindow") : null,
                text(policy, "cooldown"),
                text(inputs, "cooldownUntil"),
                text(inputs, "wouldBe"),
                text(inputs, "requestedBy"),
                explanation);
    }

    /** "environment production v3", "service checkout in production v2"; "none (defaults)" when no policy is stored. */
    public String policyText() {
        if (sources.isEmpty()) {
            return "no stored policy (defaults" + (mode == null ? "" : ", mode " + mode) + ")";
        }
        return String.join(" over ", sources.stream().map(PolicySource::label).toList())
                + (mode == null ? "" : " (mode " + mode + ")");
    }

    static String text(JsonNode node, String field) {
        return CdEvent.textOrNull(node.get(field));
    }

    static Integer integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    /** A stored policy the effective one was merged from: its scope and version. */
    public record PolicySource(String scope, String environment, String service, Integer version) {

        public String label() {
            String where = "service".equals(scope) ? "service " + service + " in " + environment
                    : "environment " + environment;
            return where + (version == null ? "" : " v" + version);
        }
    }

    /** Automatic rollbacks in the environment within {@code window} since {@code since}, and the policy's limit. */
    public record StormGuard(Integer count, Integer limit, String window, String since) {
    }
}
