package dev.lifeguard.deploy.executor.kubernetes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Rolls a Kubernetes Deployment back by setting its container's image to the stable version's image, with one JSON
 * patch that also records the rollback in annotations. The Deployment controller then rolls out; this executor does
 * not wait for it ({@code done} means the API server took the new spec).
 * <p>
 * Idempotent on the rollback id: a Deployment already annotated with it and running the target image is left alone.
 * The patch carries the resourceVersion it was computed from, so a concurrent change is answered 409 and the patch
 * is recomputed from a fresh read instead of overwriting it.
 * <p>
 * A target whose Service selects a blue-green colour ({@code lifeguard.dev/color}) is rolled back by switching the
 * selector to the other colour when that one still runs the stable image (instant), else by patching the live
 * colour's image. Rollout steps (canary, blue-green) are {@link KubernetesRollouts}.
 */
@ApplicationScoped
@Identifier(KubernetesRollbackExecutor.NAME)
public class KubernetesRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "kubernetes";

    static final String ROLLBACK_ID = "lifeguard.dev/rollback-id";
    static final String ROLLED_BACK_FROM = "lifeguard.dev/rolled-back-from";
    static final String ROLLED_BACK_TO = "lifeguard.dev/rolled-back-to";
    /** Shown by {@code kubectl rollout history}; the Deployment controller copies it to the new ReplicaSet. */
    static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    static final String FIELD_MANAGER = "lifeguard";

    /** A rollback also reads the target's Service (blue-green), but does without when it may not. */
    static final String ROLLBACK_PERMISSIONS = "get and patch on deployments";
    static final String ROLLOUT_PERMISSIONS = "get, create, update and delete on deployments and services, and list"
            + " and patch on pods (blue-green)";

    /** Reads and patches per call: the first plus re-reads after a 409 from a concurrent change. */
    static final int ATTEMPTS_ON_CONFLICT = 3;

    private static final Logger LOG = Logger.getLogger(KubernetesRollbackExecutor.class);

    private final KubernetesClient client;
    private final KubernetesConfig config;
    private final KubernetesRollouts rollouts;

    public KubernetesRollbackExecutor(KubernetesClient client, KubernetesConfig config) {
        this.client = client;
        this.config = config;
        this.rollouts = new KubernetesRollouts(client);
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        return KubernetesSettings.parse(settings).toJson();
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settingsJson) {
        KubernetesSettings settings = KubernetesSettings.parse(settingsJson);
        String namespace = defaulted(settings.namespace(), plan.environment(), "namespace", "environment",
                KubernetesNames::labelProblem);
        String deployment = defaulted(settings.deployment(), plan.service(), "deployment", "service",
                KubernetesNames::subdomainProblem);
        String image = stableImage(plan, settings);
        // a deployment name that is no valid Service name cannot have a Service of that name: a plain target
        String service = settings.service().orElse(KubernetesNames.serviceProblem(deployment) == null ? deployment : null);
        KubernetesRollouts.Target target = new KubernetesRollouts.Target(namespace, deployment, service,
                settings.container().orElse(null));
        String where = namespace + "/" + deployment;

        for (int attempt = 1; ; attempt++) {
            try {
                // blue-green: back to the other colour when it still runs the stable image, else patch the live one
                ExecutionOutcome switched = rollouts.switchBack(plan, target, image);
                if (switched != null) {
                    return switched;
                }
                return rollBack(plan, namespace, rollouts.liveDeployment(target), settings.container(), image);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < ATTEMPTS_ON_CONFLICT) {
                    LOG.infof("Rollback %s: deployment %s changed while being patched; reading it again",
                            plan.rollbackId(), where);
                    continue;
                }
                throw translate(e, where, namespace, ROLLBACK_PERMISSIONS);
            } catch (RuntimeException e) {
                throw unreachable(e, where);
            }
        }
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settingsJson) {
        KubernetesSettings settings = KubernetesSettings.parse(settingsJson);
        String namespace = defaulted(settings.namespace(), step.environment(), "namespace", "environment",
                KubernetesNames::labelProblem);
        String deployment = defaulted(settings.deployment(), step.service(), "deployment", "service",
                KubernetesNames::subdomainProblem);
        boolean blueGreen = KubernetesRollouts.isBlueGreen(step);
        String service = blueGreen ? defaulted(settings.service(), deployment, "service", "deployment",
                KubernetesNames::serviceProblem)
                : settings.service().orElse(KubernetesNames.serviceProblem(deployment) == null ? deployment : null);
        // the image is worked out (and checked) before anything is changed
        String image = KubernetesRollouts.needsNewImage(step) ? imageOf(step.image(), step.artifactId(),
                step.service(), step.environment(), step.version(), settings) : null;
        KubernetesRollouts.Target target = new KubernetesRollouts.Target(namespace, deployment, service,
                settings.container().orElse(null));
        String where = target.where();

        for (int attempt = 1; ; attempt++) {
            try {
                return blueGreen ? rollouts.blueGreen(step, target, () -> image)
                        : rollouts.canary(step, target, () -> image);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < ATTEMPTS_ON_CONFLICT) {
                    LOG.infof("Rollout step %s: %s changed while being updated; reading it again", step.stepId(),
                            where);
                    continue;
                }
                throw translate(e, where, namespace, ROLLOUT_PERMISSIONS);
            } catch (RuntimeException e) {
                throw unreachable(e, where);
            }
        }
    }

    private static RuntimeException unreachable(RuntimeException e, String where) {
        if (hasCause(e, IOException.class) || hasCause(e, TimeoutException.class)) {
            return new TransientExecutionException("could not reach the Kubernetes API for deployment " + where
                    + ": " + oneLine(rootMessage(e)), e);
        }
        return e;
    }

    private ExecutionOutcome rollBack(RollbackPlan plan, String namespace, String name, Optional<String> containerName,
                                      String image) {
        String where = namespace + "/" + name;
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (deployment == null) {
            throw new ExecutionFailedException("deployment " + name + " not found in namespace " + namespace);
        }
        List<Container> containers = deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null ? List.of()
                : deployment.getSpec().getTemplate().getSpec().getContainers();
        int index = containerName.isPresent() ? indexOf(containers, containerName.get()) : containers.isEmpty() ? -1 : 0;
        if (index < 0) {
            throw new ExecutionFailedException("deployment " + where + " has no container "
                    + containerName.map(c -> "'" + c + "'").orElse("") + " (containers: "
                    + containers.stream().map(Container::getName).collect(Collectors.joining(", ")) + ")");
        }
        Container container = containers.get(index);
        Map<String, String> annotations = annotations(deployment.getMetadata());
        boolean imageIsTarget = image.equals(container.getImage());
        String done = "set " + where + " container " + container.getName() + " image to " + image;
        if (imageIsTarget && plan.rollbackId().equals(annotations.get(ROLLBACK_ID))) {
            LOG.infof("Rollback %s: %s already runs %s by this rollback; nothing to change", plan.rollbackId(), where, image);
            return ExecutionOutcome.done(done + " (already set by an earlier attempt)");
        }

        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        // the read this patch was computed from: a change in between gets a 409 instead of being overwritten
        patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion")
                .put("value", deployment.getMetadata().getResourceVersion());
        Map<String, String> rollbackAnnotations = new LinkedHashMap<>();
        rollbackAnnotations.put(ROLLBACK_ID, plan.rollbackId());
        putIfPresent(rollbackAnnotations, ROLLED_BACK_FROM, plan.fromVersion());
        putIfPresent(rollbackAnnotations, ROLLED_BACK_TO, plan.toVersion());
        if (!imageIsTarget) {
            rollbackAnnotations.put(CHANGE_CAUSE, "Lifeguard rollback " + plan.rollbackId() + ": "
                    + plan.fromVersion() + " -> " + plan.toVersion());
            patch.addObject().put("op", "replace")
                    .put("path", "/spec/template/spec/containers/" + index + "/image").put("value", image);
            // a new ReplicaSet's pods carry the rollback id, so the rollout is attributable
            addAnnotations(patch, "/spec/template/metadata", annotations(deployment.getSpec().getTemplate().getMetadata()),
                    Map.of(ROLLBACK_ID, plan.rollbackId()));
        }
        // already on the image (someone rolled back by hand): record the rollback without restarting the pods
        addAnnotations(patch, "/metadata", annotations, rollbackAnnotations);

        // patching the read item itself: no second GET before the PATCH
        client.apps().deployments().inNamespace(namespace).resource(deployment).patch(
                new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(FIELD_MANAGER).build(),
                patch.toString());
        if (imageIsTarget) {
            LOG.infof("Rollback %s: %s container %s already ran %s; annotated", plan.rollbackId(), where,
                    container.getName(), image);
            return ExecutionOutcome.done(done + " (it already ran that image; annotated only)");
        }
        LOG.infof("Rollback %s: set %s container %s image %s -> %s", plan.rollbackId(), where, container.getName(),
                container.getImage(), image);
        return ExecutionOutcome.done(done);
    }

    private String stableImage(RollbackPlan plan, KubernetesSettings settings) {
        return imageOf(plan.toImage(), plan.toArtifactId(), plan.service(), plan.environment(), plan.toVersion(),
                settings);
    }

    private String imageOf(String eventImage, String artifactId, String service, String environment, String version,
                           KubernetesSettings settings) {
        Optional<String> template = settings.imageTemplate().or(() -> config.imageTemplate().filter(t -> !t.isBlank()));
        if (settings.imageTemplate().isEmpty() && template.isPresent()) {
            String problem = StableImage.templateProblem(template.get());
            if (problem != null) {
                throw new ExecutionFailedException("lifeguard.deploy.executors.kubernetes.image-template '"
                        + template.get() + "' " + problem);
            }
        }
        StableImage stable = StableImage.of(eventImage, artifactId, service, environment, version, template)
                .orElseThrow(() -> new ExecutionFailedException("no container image is known for " + service
                        + " version " + version + ": its deployment event carried no image, its artifactId "
                        + describe(artifactId)
                        + " is not an OCI package URL, and no imageTemplate is set (kubernetes.imageTemplate or"
                        + " lifeguard.deploy.executors.kubernetes.image-template)"));
        if (!ImageReference.isValid(stable.image())) {
            throw new ExecutionFailedException("'" + stable.image() + "' (from " + stable.source()
                    + ") is not a valid container image reference");
        }
        return stable.image();
    }

    private static String defaulted(Optional<String> setting, String fallback, String settingName, String fallbackName,
                                    UnaryOperator<String> rule) {
        if (setting.isPresent()) {
            return setting.get();
        }
        String problem = fallback == null ? "is missing" : rule.apply(fallback);
        if (problem != null) {
            throw new ExecutionFailedException(settingName + " defaults to the " + fallbackName + " '" + fallback
                    + "', which is not a valid Kubernetes name (" + problem + "); set kubernetes." + settingName
                    + " for this target");
        }
        return fallback;
    }

    private static RuntimeException translate(KubernetesClientException e, String where, String namespace,
                                              String permissions) {
        int code = e.getCode();
        String reason = oneLine(e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage() : rootMessage(e));
        return switch (code) {
            case 401 -> new ExecutionFailedException("the Kubernetes API refused the credentials (401) for deployment "
                    + where + ": " + reason, e);
            case 403 -> new ExecutionFailedException("the Kubernetes API forbade it (403): the service account needs "
                    + permissions + " in namespace " + namespace + ": " + reason, e);
            case 404 -> new ExecutionFailedException("deployment " + where.substring(namespace.length() + 1)
                    + " not found in namespace " + namespace + " (404): " + reason, e);
            case 408, 429 -> new TransientExecutionException("the Kubernetes API answered " + code + " for deployment "
                    + where + ": " + reason, e);
            case 409 -> new TransientExecutionException("deployment " + where + " kept changing while being patched ("
                    + ATTEMPTS_ON_CONFLICT + " attempts, 409): " + reason, e);
            default -> {
                if (code >= 500) {
                    yield new TransientExecutionException("the Kubernetes API answered " + code + " for deployment "
                            + where + ": " + reason, e);
                }
                if (code <= 0) {
                    // no HTTP answer at all: connection refused, timeout, TLS or DNS trouble
                    yield new TransientExecutionException("could not reach the Kubernetes API for deployment " + where
                            + ": " + reason, e);
                }
                yield new ExecutionFailedException("the Kubernetes API refused the change to deployment " + where
                        + " (" + code + "): " + reason, e);
            }
        };
    }

    private static void addAnnotations(ArrayNode patch, String metadataPath, Map<String, String> existing,
                                       Map<String, String> added) {
        if (existing.isEmpty()) {
            // JSON patch cannot add a key to a map that does not exist; create the map with all of them
            ObjectNode all = patch.addObject().put("op", "add").put("path", metadataPath + "/annotations")
                    .putObject("value");
            added.forEach(all::put);
            return;
        }
        added.forEach((key, value) -> patch.addObject().put("op", "add")
                .put("path", metadataPath + "/annotations/" + key.replace("~", "~0").replace("/", "~1"))
                .put("value", value));
    }

    private static Map<String, String> annotations(ObjectMeta metadata) {
        return metadata == null || metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
    }

    private static int indexOf(List<Container> containers, String name) {
        for (int i = 0; i < containers.size(); i++) {
            if (name.equals(containers.get(i).getName())) {
                return i;
            }
        }
        return -1;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String describe(String artifactId) {
        return artifactId == null ? "(none)" : "'" + artifactId + "'";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
