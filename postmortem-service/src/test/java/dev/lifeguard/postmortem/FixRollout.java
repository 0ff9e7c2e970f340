package dev.lifeguard.postmortem;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A deployment of the scenario's service on a chain of its own, re-keyed from the rollout golden examples (which
 * are about d-0003, the fix 2.0.1 of checkout), naming {@code fixes}.
 */
public final class FixRollout {

    public static final String GATED = "dev.cdeventsx.lifeguard-rollout.gated.0.1.0";
    public static final String RELEASED = "dev.cdeventsx.lifeguard-rollout.released.0.1.0";
    public static final String STEP_STARTED = "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0";
    public static final String PROMOTED = "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0";
    public static final String ABORTED = "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0";

    private final ChainScenario chain;
    public final String deploymentId = "d-" + UUID.randomUUID();
    public final String chainId = UUID.randomUUID().toString();
    private final List<String> fixes;

    public FixRollout(ChainScenario chain, List<String> fixes) {
        this.chain = chain;
        this.fixes = fixes;
    }

    /** The golden example of a rollout event type at {@code time}, with an id of its own. */
    public String event(String type, String time) {
        String json = chain.event(type);
        JsonNode example = ChainScenario.json(json);
        return json.replace(example.path("id").asText(), UUID.randomUUID().toString())
                .replace(example.path("chainid").asText(), chainId)
                .replace(example.path("time").asText(), time)
                .replace("d-0003", deploymentId)
                .replaceAll("(?s)\"fixes\": \\[.*?\\]", "\"fixes\": " + jsonArray(fixes));
    }

    /** A set-weight step: {@code weight} percent of traffic on the fix, no analysis. */
    public String setWeight(int stepIndex, int weight, String time) {
        return event(STEP_STARTED, time)
                .replace("\"kind\": \"pause\",", "\"kind\": \"set-weight\", \"weight\": " + weight + ",")
                .replace("\"stepIndex\": 1", "\"stepIndex\": " + stepIndex)
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null");
    }

    /** service.upgraded of the fix at {@code time}; {@code afterRollout}: the promotion's, with strategy. */
    public String upgraded(String time, boolean afterRollout) {
        String json = chain.event(ChainScenario.UPGRADED);
        JsonNode example = ChainScenario.json(json);
        return json.replace(example.path("id").asText(), UUID.randomUUID().toString())
                .replace(example.path("chainid").asText(), chainId)
                .replace(example.path("time").asText(), time)
                .replace("d-0002", deploymentId)
                .replace("\"version\": \"2.0.0\"", "\"version\": \"2.0.1\"")
                .replace("@2.0.0", "@2.0.1")
                .replace("\"previousVersion\": \"1.0.0\",", "\"previousVersion\": \"1.0.0\", \"fixes\": "
                        + jsonArray(fixes) + "," + (afterRollout
                        ? " \"rollout\": true, \"strategy\": {\"type\": \"canary\"}," : ""));
    }

    /** An anomaly of this deployment's version on its chain at {@code time} (a canary step failing), with its own id. */
    public String anomaly(String time) {
        String json = chain.event(ChainScenario.ANOMALY);
        JsonNode example = ChainScenario.json(json);
        return json.replace(example.path("id").asText(), UUID.randomUUID().toString())
                .replace(example.path("chainid").asText(), chainId)
                .replace(example.path("time").asText(), time)
                .replace("anomaly-0003", "anomaly-" + UUID.randomUUID())
                .replace("d-0002", deploymentId)
                .replace("2.0.0", "2.0.1");
    }

    /** The fix's verdict at full traffic ({@code passed} or {@code failed}) at {@code time}. */
    public String analysis(String outcome, String time) {
        String json = chain.event(ChainScenario.ANALYSIS);
        JsonNode example = ChainScenario.json(json);
        return json.replace(example.path("id").asText(), UUID.randomUUID().toString())
                .replace(example.path("chainid").asText(), chainId)
                .replace(example.path("time").asText(), time)
                .replace("d-0002", deploymentId)
                .replace("\"version\": \"2.0.0\"", "\"version\": \"2.0.1\"")
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"" + outcome + "\"");
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(value -> "\"" + value + "\"").collect(Collectors.joining(", ", "[", "]"));
    }
}
