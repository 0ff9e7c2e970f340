package dev.lifeguard.deploy.executor.kubernetes;

import java.util.regex.Pattern;

/**
 * Checks container image references ({@code [registry[:port]/]path[:tag][@algorithm:hex]}). The API server takes
 * almost any string as an image, and a bad one only shows later as pods stuck pulling, so the executor refuses it
 * before patching.
 */
final class ImageReference {

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?)";
    private static final String PATH_COMPONENT = "(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)";
    private static final String TAG = "(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})";
    private static final String DIGEST = "(?:[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})";
    private static final Pattern REFERENCE = Pattern.compile("(?:" + DOMAIN + "/)?" + PATH_COMPONENT
            + "(?:/" + PATH_COMPONENT + ")*(?::" + TAG + ")?(?:@" + DIGEST + ")?");

    private ImageReference() {
    }

    static boolean isValid(String image) {
        return image != null && image.length() <= 4096 && REFERENCE.matcher(image).matches();
    }
}
