package dev.lifeguard.deploy.event;

import dev.lifeguard.support.event.MalformedEventException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The parts of a package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}) Lifeguard needs. */
public record PackageUrl(String type, String name, String version, Map<String, String> qualifiers) {

    public static PackageUrl parse(String purl) {
        if (purl == null || !purl.startsWith("pkg:")) {
            throw new MalformedEventException("artifactId is not a package URL (pkg:...): '" + purl + "'");
        }
        String rest = purl.substring(4);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        Map<String, String> qualifiers = new HashMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    qualifiers.put(pair.substring(0, equals).toLowerCase(), decode(pair.substring(equals + 1)));
                }
            }
            rest = rest.substring(0, question);
        }
        String version = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            version = decode(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        int lastSlash = rest.lastIndexOf('/');
        if (slash <= 0 || lastSlash == rest.length() - 1) {
            throw new MalformedEventException("package URL has no type and name: '" + purl + "'");
        }
        return new PackageUrl(rest.substring(0, slash), decode(rest.substring(lastSlash + 1)),
                version == null || version.isBlank() ? null : version, Map.copyOf(qualifiers));
    }

    /**
     * The version to show and roll back to: a real version if the purl has one, else the {@code tag}
     * qualifier (OCI images put the digest in the version slot), else the digest.
     */
    public String deployedVersion() {
        boolean versionIsDigest = version != null && version.matches("^[a-z0-9]+:[0-9a-fA-F]{32,}$");
        if (version != null && !versionIsDigest) {
            return version;
        }
        String tag = qualifiers.get("tag");
        if (tag != null && !tag.isBlank()) {
            return tag;
        }
        if (version != null) {
            return version;
        }
        throw new MalformedEventException("package URL carries no version, tag or digest: 'pkg:" + type + "/" + name + "'");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
