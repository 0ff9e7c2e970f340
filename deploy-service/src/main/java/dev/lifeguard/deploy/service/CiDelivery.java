package dev.lifeguard.deploy.service;

import java.util.Map;

/**
 * One call of the CI webhook as it arrived, before anything is trusted.
 *
 * @param source             the caller's name ({@code X-Lifeguard-Source} or {@code ?source=}), may be null
 * @param lifeguardSignature {@code X-Lifeguard-Signature}, may be null
 * @param githubSignature    {@code X-Hub-Signature-256}, may be null
 * @param deliveryId         {@code X-Lifeguard-Delivery} or {@code X-GitHub-Delivery}, may be null (then the event id)
 * @param cloudEventHeaders  binary-mode attributes by lower-case name without the {@code ce-} prefix (percent-decoded)
 * @param body               the exact bytes that were signed
 */
public record CiDelivery(String source, String lifeguardSignature, String githubSignature, String deliveryId,
                         Map<String, String> cloudEventHeaders, byte[] body) {
}
