package dev.lifeguard.deploy.executor.kubernetes;

import dev.lifeguard.deploy.event.PackageUrl;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container image of the version to roll back to, and where it came from (for people reading a failure): the
 * deployment event's {@code image}, else the OCI package URL in its {@code artifactId}, else the target's image
 * template.
 */
record StableImage(String image, String source) {

    static final Set<String> PLACEHOLDERS = Set.of("service", "version", "environment");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[-_+.][a-z0-9]+)*:[0-9a-fA-F]{32,}");

    static Optional<StableImage> of(RollbackPlan plan, Optional<String> imageTemplate) {
        return of(plan.toImage(), plan.toArtifactId(), plan.service(), plan.environment(), plan.toVersion(),
                imageTemplate);
    }

    /** The image of any version (a rollout's new version too), found the same way. */
    static Optional<StableImage> of(String image, String artifactId, String service, String environment,
                                    String version, Optional<String> imageTemplate) {
        if (image != null && !image.isBlank()) {
            return Optional.of(new StableImage(image.strip(), "the deployment event's image"));
        }
        Optional<String> fromPackage = fromPackageUrl(artifactId);
        if (fromPackage.isPresent()) {
            return Optional.of(new StableImage(fromPackage.get(), "the package URL " + artifactId));
        }
        return imageTemplate.map(template -> new StableImage(fromTemplate(template, service, environment, version),
                "the image template " + template));
    }

    /**
     * The image an OCI package URL names: {@code pkg:oci/<name>@<digest>?repository_url=<registry/path>&tag=<tag>}
     * gives {@code <repository_url>@<digest>}, or {@code <repository_url>:<tag>} without a digest (a digest wins:
     * it cannot move). The purl spec makes {@code repository_url} the whole repository, ending in the name; one that
     * does not end in the name is taken as the registry and path above it. Without {@code repository_url} the image
     * is the bare name (Docker Hub). Any other package type names no image.
     */
    static Optional<String> fromPackageUrl(String artifactId) {
        PackageUrl purl;
        try {
            purl = PackageUrl.parse(artifactId);
        } catch (MalformedEventException notAPackageUrl) {
            return Optional.empty();
        }
        if (!purl.type().equalsIgnoreCase("oci")) {
            return Optional.empty();
        }
        String repository = repository(purl);
        String version = purl.version();
        if (version != null && DIGEST.matcher(version).matches()) {
            return Optional.of(repository + "@" + version);
        }
        String tag = purl.qualifiers().get("tag");
        if (tag != null && !tag.isBlank()) {
            return Optional.of(repository + ":" + tag);
        }
        // not the spec's form (the version slot holds a digest), but plainly meant as a tag
        return Optional.ofNullable(version).map(v -> repository + ":" + v);
    }

    private static String repository(PackageUrl purl) {
        String url = purl.qualifiers().get("repository_url");
        if (url == null || url.isBlank()) {
            return purl.name();
        }
        url = url.strip().replaceFirst("^(?i)https?://", "").replaceAll("/+$", "");
        return url.equals(purl.name()) || url.endsWith("/" + purl.name()) ? url : url + "/" + purl.name();
    }

    static String fromTemplate(String template, String service, String environment, String version) {
        return template.replace("{service}", service).replace("{environment}", environment).replace("{version}", version);
    }

    /** Why {@code template} cannot make image references, or null when it can. */
    static String templateProblem(String template) {
        if (template.chars().anyMatch(Character::isWhitespace)) {
            return "must not contain whitespace";
        }
        Matcher placeholders = PLACEHOLDER.matcher(template);
        boolean hasVersion = false;
        while (placeholders.find()) {
            String name = placeholders.group(1);
            if (!PLACEHOLDERS.contains(name)) {
                return "has an unknown placeholder {" + name + "}; known: {service}, {environment}, {version}";
            }
            hasVersion |= name.equals("version");
        }
        if (!hasVersion) {
            return "must contain {version}, else every version gets the same image";
        }
        String sample = fromTemplate(template, "checkout", "production", "1.2.3");
        if (!ImageReference.isValid(sample)) {
            return "does not make a valid image reference (e.g. '" + sample + "'); expected"
                    + " [registry/]path:{version}, such as registry.example.com/{service}:{version}";
        }
        return null;
    }
}
