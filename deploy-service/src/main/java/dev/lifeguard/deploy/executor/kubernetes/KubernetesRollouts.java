package dev.lifeguard.deploy.executor.kubernetes;

import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Rollout steps on plain Kubernetes, without a service mesh.
 * <p>
 * <b>Canary</b> (and the single promote of an all-at-once rollout): a second Deployment {@code <deployment>-canary},
 * a copy of the primary's pod template with the new image and the label {@value #TRACK}{@code : canary} added to its
 * pods and its selector. The Service selects by the labels both share, so the traffic splits by the ratio of ready
 * pods: of the primary's replica count {@code total} (at least 1), the canary gets {@code ceil(total * weight / 100)}
 * clamped to [1, total] and the primary the rest (which may be 0: with few replicas the split is coarse). The
 * primary's replica count before the rollout is kept in {@value #PRIMARY_REPLICAS} so promote and abort restore it.
 * Promote sets the primary's image, restores its replicas and then scales the canary to 0 (kept, so what was
 * promoted stays visible until the next rollout reuses it); abort restores the primary's replicas first and then
 * deletes the canary.
 * <p>
 * A target that ran blue-green before gets its canary beside the colour its Service selects
 * ({@code <deployment>-green-canary} when green is live).
 * <p>
 * <b>Blue-green</b>: two Deployments, the primary {@code <deployment>} (colour blue) and {@code <deployment>-green},
 * told apart by the pod label {@value #COLOR}; the Service's selector names the live colour. The first blue-green
 * rollout of a target adopts it: the primary's running pods and pod template get {@code color: blue} (pods are
 * labelled first, so the Service never loses its endpoints; the template change restarts the primary's pods once,
 * same image) and the Service's selector gets {@code color: blue}. The preview step (weight 0) puts the new image on
 * the other colour with the live one's replica count, and a {@code <service>-preview} Service selecting it; promote
 * switches the Service's selector to it (instant) and deletes the preview Service, keeping the old colour running
 * for an instant switch back; abort deletes the preview Service and removes the preview colour (deletes
 * {@code -green}; the primary, which Lifeguard did not create, is scaled to 0 instead).
 * <p>
 * Every write carries the resourceVersion it was computed from: a concurrent change is answered 409 and the caller
 * runs the step again from fresh reads. Each object touched is annotated with the step id ({@value #ROLLOUT_STEP}),
 * and a step whose end state is already there changes nothing.
 */
final class KubernetesRollouts {

    static final String ROLLOUT_STEP = "lifeguard.dev/rollout-step";
    static final String PRIMARY_REPLICAS = "lifeguard.dev/primary-replicas";
    static final String TRACK = "lifeguard.dev/track";
    static final String COLOR = "lifeguard.dev/color";
    static final String VERSION = "lifeguard.dev/version";
    static final String DEPLOYMENT_ID = "lifeguard.dev/deployment-id";
    static final String CANARY_OF = "lifeguard.dev/canary-of";
    static final String PREVIOUS_COLOR = "lifeguard.dev/previous-color";
    static final String BLUE = "blue";
    static final String GREEN = "green";

    private static final Logger LOG = Logger.getLogger(KubernetesRollouts.class);

    /** Where a target runs: the names are resolved and checked by the executor. */
    record Target(String namespace, String deployment, String service, String container) {

        String where() {
            return namespace + "/" + deployment;
        }

        String canary() {
            return deployment + "-canary";
        }

        String preview() {
            return service + "-preview";
        }

        Target withDeployment(String name) {
            return new Target(namespace, name, service, container);
        }

        /** The Deployment of a colour: blue is the primary itself. */
        String deploymentOf(String color) {
            return BLUE.equals(color) ? deployment : deployment + "-" + color;
        }
    }

    private final KubernetesClient client;

    KubernetesRollouts(KubernetesClient client) {
        this.client = client;
    }

    // --- canary ---------------------------------------------------------------------------------------------------

    ExecutionOutcome canary(RolloutStep step, Target team, Supplier<String> newImage) {
        // a target that ran blue-green before: the canary goes beside the colour that takes the traffic
        Target target = team.withDeployment(liveDeployment(team));
        Deployment primary = required(target.namespace(), target.deployment());
        Deployment canary = deployment(target.namespace(), target.canary());
        int total = originalReplicas(primary);
        return switch (step.action()) {
            case SET_WEIGHT -> setWeight(step, target, primary, canary, total, newImage.get());
            case PROMOTE -> promoteCanary(step, target, primary, canary, total, newImage.get());
            case ABORT -> abortCanary(step, target, primary, canary, total);
        };
    }

    private ExecutionOutcome setWeight(RolloutStep step, Target target, Deployment primary, Deployment canary,
                                       int total, String image) {
        int canaryReplicas = Math.min(total, Math.max(1, (int) Math.ceil(total * step.weight() / 100.0)));
        int primaryReplicas = total - canaryReplicas;
        String done = "canary " + target.namespace() + "/" + target.canary() + " runs " + image + " on "
                + canaryReplicas + " of " + total + " pods (" + Math.round(100.0 * canaryReplicas / total)
                + "% for weight " + step.weight() + "%), " + target.where() + " on " + primaryReplicas;
        if (canary != null && stepOf(primary).equals(step.stepId()) && stepOf(canary).equals(step.stepId())
                && replicas(canary) == canaryReplicas && replicas(primary) == primaryReplicas
                && image.equals(container(canary, target).getImage())) {
            return ExecutionOutcome.done(done + " (already applied)");
        }
        // the canary comes up before the primary goes down, so capacity never dips
        Deployment desired = canaryOf(primary, target, step, image, canaryReplicas);
        if (canary == null) {
            client.apps().deployments().inNamespace(target.namespace()).resource(desired).create();
        } else if (!Objects.equals(canary.getSpec().getSelector(), desired.getSpec().getSelector())) {
            // a selector cannot change: a leftover canary of another shape is replaced
            client.apps().deployments().inNamespace(target.namespace()).resource(canary).delete();
            client.apps().deployments().inNamespace(target.namespace()).resource(desired).create();
        } else {
            desired.getMetadata().setResourceVersion(canary.getMetadata().getResourceVersion());
            client.apps().deployments().inNamespace(target.namespace()).resource(desired).update();
        }
        annotations(primary).putIfAbsent(PRIMARY_REPLICAS, Integer.toString(total));
        annotations(primary).put(ROLLOUT_STEP, step.stepId());
        primary.getSpec().setReplicas(primaryReplicas);
        update(primary);
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    private ExecutionOutcome promoteCanary(RolloutStep step, Target target, Deployment primary, Deployment canary,
                                           int total, String image) {
        Container container = container(primary, target);
        String done = "promoted " + target.where() + " to " + image + " on " + total + " pods"
                + (canary == null ? "" : ", canary " + target.canary() + " scaled to 0");
        if (stepOf(primary).equals(step.stepId()) && image.equals(container.getImage())
                && !annotations(primary).containsKey(PRIMARY_REPLICAS) && (canary == null || replicas(canary) == 0)) {
            return ExecutionOutcome.done(done + " (already applied)");
        }
        if (!image.equals(container.getImage()) || annotations(primary).containsKey(PRIMARY_REPLICAS)
                || !stepOf(primary).equals(step.stepId())) {
            container.setImage(image);
            primary.getSpec().setReplicas(total);
            annotations(primary).remove(PRIMARY_REPLICAS);
            annotations(primary).put(ROLLOUT_STEP, step.stepId());
            annotations(primary).put(KubernetesRollbackExecutor.CHANGE_CAUSE, "Lifeguard rollout "
                    + step.deploymentId() + ": promoted " + step.version());
            annotations(primary).put(VERSION, step.version());
            update(primary);
        }
        if (canary != null && replicas(canary) != 0) {
            canary.getSpec().setReplicas(0);
            annotations(canary).put(ROLLOUT_STEP, step.stepId());
            update(canary);
        }
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    private ExecutionOutcome abortCanary(RolloutStep step, Target target, Deployment primary, Deployment canary,
                                         int total) {
        String done = "aborted: " + target.where() + " back on " + total + " pods of "
                + container(primary, target).getImage() + (canary == null ? "" : ", canary " + target.canary()
                + " deleted");
        if (canary == null && stepOf(primary).equals(step.stepId()) && !annotations(primary).containsKey(PRIMARY_REPLICAS)) {
            return ExecutionOutcome.done(done + " (already applied)");
        }
        // the primary comes back up before the canary goes, so capacity never dips
        if (annotations(primary).containsKey(PRIMARY_REPLICAS) || !stepOf(primary).equals(step.stepId())) {
            primary.getSpec().setReplicas(total);
            annotations(primary).remove(PRIMARY_REPLICAS);
            annotations(primary).put(ROLLOUT_STEP, step.stepId());
            update(primary);
        }
        if (canary != null) {
            client.apps().deployments().inNamespace(target.namespace()).resource(canary).delete();
        }
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    /** The canary: the primary's spec with the new image, the track label on its pods and selector, no status. */
    private static Deployment canaryOf(Deployment primary, Target target, RolloutStep step, String image,
                                       int replicas) {
        Deployment copy = new DeploymentBuilder(primary).build();
        Map<String, String> labels = new LinkedHashMap<>(nonNull(primary.getMetadata().getLabels()));
        labels.put(TRACK, "canary");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ROLLOUT_STEP, step.stepId());
        annotations.put(CANARY_OF, target.deployment());
        annotations.put(VERSION, step.version());
        annotations.put(DEPLOYMENT_ID, step.deploymentId());
        copy.setMetadata(new ObjectMetaBuilder().withName(target.canary()).withNamespace(target.namespace())
                .withLabels(labels).withAnnotations(annotations).build());
        copy.setStatus(null);
        copy.getSpec().setReplicas(replicas);
        LabelSelector selector = copy.getSpec().getSelector();
        Map<String, String> matchLabels = new LinkedHashMap<>(nonNull(selector.getMatchLabels()));
        matchLabels.put(TRACK, "canary");
        selector.setMatchLabels(matchLabels);
        ObjectMeta template = copy.getSpec().getTemplate().getMetadata();
        Map<String, String> podLabels = new LinkedHashMap<>(nonNull(template.getLabels()));
        podLabels.put(TRACK, "canary");
        template.setLabels(podLabels);
        container(copy, target).setImage(image);
        return copy;
    }

    /** The primary's replica count before the rollout: recorded at the first step, else its count now (at least 1). */
    private static int originalReplicas(Deployment primary) {
        String recorded = annotations(primary).get(PRIMARY_REPLICAS);
        if (recorded != null) {
            try {
                return Math.max(1, Integer.parseInt(recorded.strip()));
            } catch (NumberFormatException ignored) {
                // someone edited it: fall back to the count now
            }
        }
        return Math.max(1, replicas(primary));
    }

    // --- blue-green -------------------------------------------------------------------------------------------

    ExecutionOutcome blueGreen(RolloutStep step, Target target, Supplier<String> newImage) {
        Service service = client.services().inNamespace(target.namespace()).withName(target.service()).get();
        if (service == null) {
            throw new ExecutionFailedException("service " + target.service() + " not found in namespace "
                    + target.namespace() + ": blue-green switches the selector of the Service in front of deployment "
                    + target.deployment() + " (set kubernetes.service when it is named otherwise)");
        }
        if (service.getSpec() == null || service.getSpec().getSelector() == null
                || service.getSpec().getSelector().isEmpty()) {
            throw new ExecutionFailedException("service " + target.namespace() + "/" + target.service()
                    + " has no selector: blue-green switches it between two Deployments");
        }
        return switch (step.action()) {
            case SET_WEIGHT -> preview(step, target, service, newImage.get());
            case PROMOTE -> switchOver(step, target, service);
            case ABORT -> abortPreview(step, target, service);
        };
    }

    private ExecutionOutcome preview(RolloutStep step, Target target, Service service, String image) {
        String live = liveColor(service, target);
        String other = BLUE.equals(live) ? GREEN : BLUE;
        Deployment liveDeployment = required(target.namespace(), target.deploymentOf(live));
        Deployment otherDeployment = deployment(target.namespace(), target.deploymentOf(other));
        Service preview = client.services().inNamespace(target.namespace()).withName(target.preview()).get();
        int replicas = Math.max(1, replicas(liveDeployment));
        String done = target.deploymentOf(other) + " (" + other + ") runs " + image + " on " + replicas
                + " pods beside " + target.deploymentOf(live) + " (" + live + "), reachable on service "
                + target.preview() + "; service " + target.service() + " still selects " + live;
        if (otherDeployment != null && preview != null && stepOf(otherDeployment).equals(step.stepId())
                && stepOf(preview).equals(step.stepId()) && replicas(otherDeployment) == replicas
                && image.equals(container(otherDeployment, target).getImage())
                && live.equals(service.getSpec().getSelector().get(COLOR))) {
            return ExecutionOutcome.done(done + " (already applied)");
        }
        if (!service.getSpec().getSelector().containsKey(COLOR)) {
            adopt(step, target, service, liveDeployment, live);
        }

        if (otherDeployment == null) {
            client.apps().deployments().inNamespace(target.namespace())
                    .resource(colorOf(liveDeployment, target, other, step, image, replicas)).create();
        } else {
            Map<String, String> podLabels = new LinkedHashMap<>(nonNull(
                    otherDeployment.getSpec().getTemplate().getMetadata().getLabels()));
            podLabels.put(COLOR, other);
            otherDeployment.getSpec().getTemplate().getMetadata().setLabels(podLabels);
            container(otherDeployment, target).setImage(image);
            otherDeployment.getSpec().setReplicas(replicas);
            annotations(otherDeployment).put(ROLLOUT_STEP, step.stepId());
            annotations(otherDeployment).put(VERSION, step.version());
            annotations(otherDeployment).put(DEPLOYMENT_ID, step.deploymentId());
            update(otherDeployment);
        }

        Map<String, String> previewSelector = new LinkedHashMap<>(service.getSpec().getSelector());
        previewSelector.put(COLOR, other);
        Service desiredPreview = new ServiceBuilder()
                .withNewMetadata().withName(target.preview()).withNamespace(target.namespace())
                .withLabels(nonNull(service.getMetadata().getLabels()))
                .addToAnnotations(ROLLOUT_STEP, step.stepId()).addToAnnotations(VERSION, step.version())
                .endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(previewSelector)
                .withPorts(service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts().stream()
                        .map(KubernetesRollouts::clusterPort).toList())
                .endSpec().build();
        if (preview == null) {
            client.services().inNamespace(target.namespace()).resource(desiredPreview).create();
        } else {
            preview.getMetadata().setAnnotations(desiredPreview.getMetadata().getAnnotations());
            preview.getSpec().setSelector(previewSelector);
            preview.getSpec().setPorts(desiredPreview.getSpec().getPorts());
            client.services().inNamespace(target.namespace()).resource(preview).update();
        }
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    /**
     * The first blue-green rollout of a target: the live pods, then the live pod template, then the Service's
     * selector get the colour, in that order, so the Service selects the running pods all along.
     */
    private void adopt(RolloutStep step, Target target, Service service, Deployment live, String color) {
        Map<String, String> matchLabels = nonNull(live.getSpec().getSelector().getMatchLabels());
        if (!matchLabels.isEmpty()) {
            for (Pod pod : client.pods().inNamespace(target.namespace()).withLabels(matchLabels).list().getItems()) {
                if (!color.equals(nonNull(pod.getMetadata().getLabels()).get(COLOR))) {
                    client.pods().inNamespace(target.namespace()).withName(pod.getMetadata().getName())
                            .edit(p -> {
                                Map<String, String> labels = new HashMap<>(nonNull(p.getMetadata().getLabels()));
                                labels.put(COLOR, color);
                                p.getMetadata().setLabels(labels);
                                return p;
                            });
                }
            }
        }
        ObjectMeta template = live.getSpec().getTemplate().getMetadata();
        if (!color.equals(nonNull(template.getLabels()).get(COLOR))) {
            Map<String, String> podLabels = new LinkedHashMap<>(nonNull(template.getLabels()));
            podLabels.put(COLOR, color);
            template.setLabels(podLabels);
            annotations(live).put(ROLLOUT_STEP, step.stepId());
            update(live);
        }
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector());
        selector.put(COLOR, color);
        service.getSpec().setSelector(selector);
        annotations(service).put(ROLLOUT_STEP, step.stepId());
        Service updated = client.services().inNamespace(target.namespace()).resource(service).update();
        service.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
        LOG.infof("Rollout %s: %s adopted for blue-green: its pods and service %s select colour %s", step.stepId(),
                target.where(), target.service(), color);
    }

    private ExecutionOutcome switchOver(RolloutStep step, Target target, Service service) {
        String selected = service.getSpec().getSelector().get(COLOR);
        if (selected != null && stepOf(service).equals(step.stepId())) {
            deletePreview(target);
            return ExecutionOutcome.done("service " + target.service() + " selects " + selected + " ("
                    + target.deploymentOf(selected) + ") (already applied)");
        }
        if (selected == null) {
            throw new ExecutionFailedException("service " + target.namespace() + "/" + target.service()
                    + " selects no colour: the blue-green preview step has not run, nothing to promote");
        }
        String other = BLUE.equals(selected) ? GREEN : BLUE;
        Deployment preview = deployment(target.namespace(), target.deploymentOf(other));
        if (preview == null || replicas(preview) == 0 || !step.version().equals(annotations(preview).get(VERSION))) {
            throw new ExecutionFailedException("deployment " + target.namespace() + "/" + target.deploymentOf(other)
                    + " does not run " + step.version() + (preview == null ? " (it does not exist)"
                    : " (it runs " + Objects.requireNonNullElse(annotations(preview).get(VERSION), "another version")
                    + " on " + replicas(preview) + " pods)") + ": the blue-green preview step has not run");
        }
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector());
        selector.put(COLOR, other);
        service.getSpec().setSelector(selector);
        annotations(service).put(ROLLOUT_STEP, step.stepId());
        annotations(service).put(PREVIOUS_COLOR, selected);
        annotations(service).put(VERSION, step.version());
        client.services().inNamespace(target.namespace()).resource(service).update();
        deletePreview(target);
        String done = "service " + target.service() + " switched from " + selected + " ("
                + target.deploymentOf(selected) + ") to " + other + " (" + target.deploymentOf(other) + ", "
                + step.version() + "); " + target.deploymentOf(selected) + " keeps running for a switch back";
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    private ExecutionOutcome abortPreview(RolloutStep step, Target target, Service service) {
        String live = liveColor(service, target);
        String other = BLUE.equals(live) ? GREEN : BLUE;
        String previewName = target.deploymentOf(other);
        Deployment preview = deployment(target.namespace(), previewName);
        String removed;
        if (preview == null) {
            removed = "no preview deployment";
        } else if (BLUE.equals(other)) {
            // the primary is the team's own Deployment: Lifeguard scales it down, never deletes it
            removed = previewName + " scaled to 0";
            if (replicas(preview) != 0 || !stepOf(preview).equals(step.stepId())) {
                preview.getSpec().setReplicas(0);
                annotations(preview).put(ROLLOUT_STEP, step.stepId());
                update(preview);
            }
        } else {
            removed = previewName + " deleted";
            client.apps().deployments().inNamespace(target.namespace()).resource(preview).delete();
        }
        deletePreview(target);
        String done = "aborted: " + removed + ", service " + target.preview() + " deleted; service "
                + target.service() + " still selects " + live;
        LOG.infof("Rollout %s: %s", step.stepId(), done);
        return ExecutionOutcome.done(done);
    }

    /**
     * A rollback of a blue-green target whose other colour still runs the stable image: the Service's selector goes
     * back to it (instant). Null when the target is no blue-green one or the other colour cannot take the traffic
     * (the caller then patches the live colour's image).
     */
    ExecutionOutcome switchBack(RollbackPlan plan, Target target, String stableImage) {
        Service service = blueGreenService(target);
        if (service == null) {
            return null;
        }
        String live = service.getSpec().getSelector().get(COLOR);
        if (plan.rollbackId().equals(annotations(service).get(KubernetesRollbackExecutor.ROLLBACK_ID))) {
            return ExecutionOutcome.done("service " + target.service() + " selects " + live + " ("
                    + target.deploymentOf(live) + ") (already switched back by this rollback)");
        }
        String other = BLUE.equals(live) ? GREEN : BLUE;
        Deployment standby = deployment(target.namespace(), target.deploymentOf(other));
        if (standby == null || replicas(standby) == 0 || !stableImage.equals(container(standby, target).getImage())) {
            return null;
        }
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector());
        selector.put(COLOR, other);
        service.getSpec().setSelector(selector);
        annotations(service).put(KubernetesRollbackExecutor.ROLLBACK_ID, plan.rollbackId());
        annotations(service).put(PREVIOUS_COLOR, live);
        if (plan.toVersion() != null) {
            annotations(service).put(VERSION, plan.toVersion());
        }
        client.services().inNamespace(target.namespace()).resource(service).update();
        String done = "switched service " + target.service() + " back from " + live + " (" + target.deploymentOf(live)
                + ") to " + other + " (" + target.deploymentOf(other) + ", " + stableImage + ")";
        LOG.infof("Rollback %s: %s", plan.rollbackId(), done);
        return ExecutionOutcome.done(done);
    }

    /**
     * The Deployment that takes the traffic: the colour the target's Service selects, else the primary. A rollback
     * that cannot switch back patches this one's image.
     */
    String liveDeployment(Target target) {
        Service service = blueGreenService(target);
        return service == null ? target.deployment() : target.deploymentOf(service.getSpec().getSelector().get(COLOR));
    }

    /**
     * The target's Service when it selects a colour (a blue-green target), else null. A rollback must not need the
     * right to read Services, so a refusal to read it (403) or its absence means a plain target.
     */
    private Service blueGreenService(Target target) {
        if (target.service() == null) {
            return null;
        }
        Service service;
        try {
            service = client.services().inNamespace(target.namespace()).withName(target.service()).get();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 403) {
                return null;
            }
            throw e;
        }
        String color = service == null || service.getSpec() == null || service.getSpec().getSelector() == null ? null
                : service.getSpec().getSelector().get(COLOR);
        return BLUE.equals(color) || GREEN.equals(color) ? service : null;
    }

    /** The colour the Service selects; before the first blue-green rollout, the primary's (blue unless labelled). */
    private String liveColor(Service service, Target target) {
        String selected = service.getSpec().getSelector().get(COLOR);
        if (selected != null) {
            if (!BLUE.equals(selected) && !GREEN.equals(selected)) {
                throw new ExecutionFailedException("service " + target.namespace() + "/" + target.service()
                        + " selects " + COLOR + "=" + selected + "; Lifeguard switches between blue and green");
            }
            return selected;
        }
        return BLUE;
    }

    /** The other colour: a copy of the live Deployment with the new image, the colour on its pods and selector. */
    private static Deployment colorOf(Deployment live, Target target, String color, RolloutStep step, String image,
                                      int replicas) {
        Deployment copy = new DeploymentBuilder(live).build();
        Map<String, String> labels = new LinkedHashMap<>(nonNull(live.getMetadata().getLabels()));
        labels.put(COLOR, color);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ROLLOUT_STEP, step.stepId());
        annotations.put(VERSION, step.version());
        annotations.put(DEPLOYMENT_ID, step.deploymentId());
        copy.setMetadata(new ObjectMetaBuilder().withName(target.deploymentOf(color)).withNamespace(target.namespace())
                .withLabels(labels).withAnnotations(annotations).build());
        copy.setStatus(null);
        copy.getSpec().setReplicas(replicas);
        LabelSelector selector = copy.getSpec().getSelector();
        Map<String, String> matchLabels = new LinkedHashMap<>(nonNull(selector.getMatchLabels()));
        matchLabels.put(COLOR, color);
        selector.setMatchLabels(matchLabels);
        ObjectMeta template = copy.getSpec().getTemplate().getMetadata();
        Map<String, String> podLabels = new LinkedHashMap<>(nonNull(template.getLabels()));
        podLabels.put(COLOR, color);
        template.setLabels(podLabels);
        container(copy, target).setImage(image);
        return copy;
    }

    /** A preview port: the Service's port without what belongs to that Service alone (node ports). */
    private static ServicePort clusterPort(ServicePort port) {
        return new ServicePortBuilder(port).withNodePort(null).build();
    }

    private void deletePreview(Target target) {
        client.services().inNamespace(target.namespace()).withName(target.preview()).delete();
    }

    // --- plumbing ---------------------------------------------------------------------------------------------------

    private Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private Deployment required(String namespace, String name) {
        Deployment deployment = deployment(namespace, name);
        if (deployment == null) {
            throw new ExecutionFailedException("deployment " + name + " not found in namespace " + namespace);
        }
        return deployment;
    }

    /** Replaces the Deployment, guarded by the resourceVersion it was read with (409 when it changed since). */
    private void update(Deployment deployment) {
        client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace()).resource(deployment).update();
    }

    static Container container(Deployment deployment, Target target) {
        List<Container> containers = deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null ? List.of()
                : deployment.getSpec().getTemplate().getSpec().getContainers();
        if (target.container() == null) {
            if (!containers.isEmpty()) {
                return containers.get(0);
            }
        } else {
            for (Container container : containers) {
                if (target.container().equals(container.getName())) {
                    return container;
                }
            }
        }
        throw new ExecutionFailedException("deployment " + target.namespace() + "/"
                + deployment.getMetadata().getName() + " has no container "
                + (target.container() == null ? "" : "'" + target.container() + "' ") + "(containers: "
                + containers.stream().map(Container::getName).collect(Collectors.joining(", ")) + ")");
    }

    private static int replicas(Deployment deployment) {
        Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    private static String stepOf(HasMetadata object) {
        return Objects.requireNonNullElse(annotations(object).get(ROLLOUT_STEP), "");
    }

    /** The object's annotations, modifiable (made when it has none). */
    private static Map<String, String> annotations(HasMetadata object) {
        ObjectMeta metadata = object.getMetadata();
        if (metadata.getAnnotations() == null) {
            metadata.setAnnotations(new LinkedHashMap<>());
        } else if (!(metadata.getAnnotations() instanceof LinkedHashMap<String, String>)) {
            metadata.setAnnotations(new LinkedHashMap<>(metadata.getAnnotations()));
        }
        return metadata.getAnnotations();
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    static boolean isBlueGreen(RolloutStep step) {
        return "blue-green".equals(step.strategy());
    }

    static boolean needsNewImage(RolloutStep step) {
        return step.action() != StepAction.ABORT && !(isBlueGreen(step) && step.action() == StepAction.PROMOTE);
    }
}
