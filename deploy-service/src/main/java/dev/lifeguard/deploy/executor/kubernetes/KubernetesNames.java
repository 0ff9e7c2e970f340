package dev.lifeguard.deploy.executor.kubernetes;

import java.util.regex.Pattern;

/** The Kubernetes naming rules the executor's settings must follow, so a bad name is refused when it is set. */
final class KubernetesNames {

    /** RFC 1123 label: namespaces and container names. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private KubernetesNames() {
    }

    /** Why {@code name} is not a valid namespace or container name, or null when it is. */
    static String labelProblem(String name) {
        if (name.length() > 63) {
            return "must be at most 63 characters";
        }
        return LABEL.matcher(name).matches() ? null
                : "must be lower-case letters, digits and '-', starting and ending with a letter or digit";
    }

    /** RFC 1035 label: Service names (they start with a letter). */
    private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    /**
     * Why {@code name} is not a valid Service name, or null when it is. At most 55 characters: the preview Service
     * of a blue-green rollout is {@code <name>-preview}, which must fit in 63.
     */
    static String serviceProblem(String name) {
        if (name.length() > 55) {
            return "must be at most 55 characters (the blue-green preview Service adds '-preview')";
        }
        return SERVICE.matcher(name).matches() ? null
                : "must be lower-case letters, digits and '-', starting with a letter and ending with a letter or digit";
    }

    /** Why {@code name} is not a valid Deployment name (an RFC 1123 subdomain), or null when it is. */
    static String subdomainProblem(String name) {
        if (name.length() > 253) {
            return "must be at most 253 characters";
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || part.length() > 63 || !LABEL.matcher(part).matches()) {
                return "must be lower-case letters, digits, '-' and '.', each dot-separated part starting and ending"
                        + " with a letter or digit";
            }
        }
        return null;
    }
}
