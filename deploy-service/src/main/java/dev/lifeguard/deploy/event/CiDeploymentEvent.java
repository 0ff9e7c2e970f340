package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;

import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.lifeguard.support.event.MalformedEventException;

/**
 * A CDEvents {@code service.deployed} / {@code service.upgraded} as CI tools send it, read tolerantly:
 * service from {@code subject.id}, environment from {@code subject.content.environment.id}, version
 * from the {@code artifactId} package URL, time from the event (when CI deployed, not when it arrived). Optional
 * Lifeguard extras ({@code team}, {@code commit}, {@code changeUrl}, {@code image}) may ride in {@code customData}.
 */
public record CiDeploymentEvent(String eventId, String chainId, OffsetDateTime time, String service, String environment,
                                String version, String artifactId, String team, String commit, String changeUrl,
                                String image, List<String> fixes) {

    /** What {@code changeUrl} may be (the REST API checks the same): http or https, no spaces, fits its column. */
    public static final java.util.regex.Pattern HTTP_URL = java.util.regex.Pattern.compile("(?i)https?://\\S{1,1990}");

    public static CiDeploymentEvent from(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        JsonNode document = cdEvent.document();
        String service = CdEvent.requiredText(document, "/subject/id");
        String environment = CdEvent.requiredText(document, "/subject/content/environment/id");
        String artifactId = CdEvent.requiredText(document, "/subject/content/artifactId");
        String version = PackageUrl.parse(artifactId).deployedVersion();
        JsonNode custom = cdEvent.customData();
        return new CiDeploymentEvent(event.id(), event.chainId(), event.time(), EventTarget.requireName("subject.id", service),
                EventTarget.requireName("subject.content.environment.id", environment), version, artifactId,
                CdEvent.textOrNull(custom.get("team")), CdEvent.textOrNull(custom.get("commit")),
                changeUrl(custom.get("changeUrl")), CdEvent.textOrNull(custom.get("image")), fixes(cdEvent));
    }

    /** Links CI sends are shown to people (post-mortems, chat): only http(s), bounded like the column. */
    static String changeUrl(JsonNode node) {
        String url = CdEvent.textOrNull(node);
        if (url == null || url.isBlank()) {
            return null;
        }
        String trimmed = url.trim();
        if (!HTTP_URL.matcher(trimmed).matches()) {
            throw new MalformedEventException("field 'customData.changeUrl' must be an http(s) URL of at most 2000"
                    + " characters without spaces");
        }
        return trimmed;
    }

    /**
     * The incidents the deployment says it fixes: {@code customData.fixes} (ids), and CDEvents links
     * {@code {"linkType":"RELATION","linkKind":"FIXES","target":{"contextId":"<incident id>"}}}.
     */
    static List<String> fixes(CdEvent cdEvent) {
        Set<String> fixes = new LinkedHashSet<>();
        JsonNode named = cdEvent.customData().get("fixes");
        if (named != null && !named.isNull()) {
            if (!named.isArray()) {
                throw new MalformedEventException("field 'customData.fixes' must be an array of incident ids");
            }
            named.forEach(id -> add(fixes, id, "customData.fixes"));
        }
        for (JsonNode link : cdEvent.context().path("links")) {
            if ("FIXES".equalsIgnoreCase(link.path("linkKind").asText())) {
                add(fixes, link.path("target").get("contextId"), "context.links[].target.contextId");
            }
        }
        return List.copyOf(fixes);
    }

    private static void add(Set<String> fixes, JsonNode id, String field) {
        if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > 200) {
            throw new MalformedEventException("field '" + field + "' must hold incident ids of 1-200 characters");
        }
        if (fixes.size() >= 50) {
            throw new MalformedEventException("field '" + field + "' may name at most 50 incidents");
        }
        fixes.add(id.asText().trim());
    }
}
