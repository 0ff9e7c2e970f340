package dev.lifeguard.deploy.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A target's {@code kubernetes} settings; each is optional. Defaults are applied at execution time: namespace = the
 * environment, deployment = the service, container = the Deployment's first container, image template = config,
 * service (the Kubernetes Service in front of the Deployment, whose selector blue-green switches) = the deployment.
 */
record KubernetesSettings(Optional<String> namespace, Optional<String> deployment, Optional<String> container,
                          Optional<String> imageTemplate, Optional<String> service) {

    static final String NAMESPACE = "namespace";
    static final String DEPLOYMENT = "deployment";
    static final String CONTAINER = "container";
    static final String IMAGE_TEMPLATE = "imageTemplate";
    static final String SERVICE = "service";

    private static final Map<String, UnaryOperator<String>> RULES = Map.of(
            NAMESPACE, KubernetesNames::labelProblem,
            DEPLOYMENT, KubernetesNames::subdomainProblem,
            CONTAINER, KubernetesNames::labelProblem,
            IMAGE_TEMPLATE, StableImage::templateProblem,
            SERVICE, KubernetesNames::serviceProblem);

    /**
     * Reads and checks settings.
     *
     * @throws InvalidExecutorSettingsException naming the first setting that is unknown or wrong
     */
    static KubernetesSettings parse(ObjectNode settings) {
        for (Map.Entry<String, JsonNode> field : settings.properties()) {
            UnaryOperator<String> rule = RULES.get(field.getKey());
            if (rule == null) {
                throw new InvalidExecutorSettingsException(field.getKey(),
                        "unknown setting; the kubernetes executor knows namespace, deployment, container, imageTemplate"
                                + " and service");
            }
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new InvalidExecutorSettingsException(field.getKey(),
                        "must be a non-empty string; leave it out to use the default");
            }
            String problem = rule.apply(value.asText().strip());
            if (problem != null) {
                throw new InvalidExecutorSettingsException(field.getKey(), field.getKey() + " '" + value.asText() + "' " + problem);
            }
        }
        return new KubernetesSettings(text(settings, NAMESPACE), text(settings, DEPLOYMENT), text(settings, CONTAINER),
                text(settings, IMAGE_TEMPLATE), text(settings, SERVICE));
    }

    /** The settings as stored: only those given, stripped, without nulls. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        namespace.ifPresent(value -> json.put(NAMESPACE, value));
        deployment.ifPresent(value -> json.put(DEPLOYMENT, value));
        container.ifPresent(value -> json.put(CONTAINER, value));
        imageTemplate.ifPresent(value -> json.put(IMAGE_TEMPLATE, value));
        service.ifPresent(value -> json.put(SERVICE, value));
        return json;
    }

    private static Optional<String> text(ObjectNode settings, String name) {
        JsonNode value = settings.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText().strip());
    }
}
