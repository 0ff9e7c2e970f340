package dev.lifeguard.deploy.executor.kubernetes;

import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StableImageTest {

    private static final String DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";
    private static final String ENCODED_DIGEST = "sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // the purl spec's form: repository_url is the whole repository; a digest wins over a tag
            "pkg:oci/checkout@" + ENCODED_DIGEST + "?repository_url=ghcr.io/shop/checkout&tag=2.1.0 | ghcr.io/shop/checkout@" + DIGEST,
            "pkg:oci/checkout@" + ENCODED_DIGEST + "?repository_url=ghcr.io%2Fshop%2Fcheckout     | ghcr.io/shop/checkout@" + DIGEST,
            "pkg:oci/checkout?repository_url=registry.example.com:5000/team/checkout&tag=v7         | registry.example.com:5000/team/checkout:v7",
            // a repository_url that stops above the name is the registry and path the name lives in
            "pkg:oci/checkout?repository_url=ghcr.io/shop&tag=v7                                    | ghcr.io/shop/checkout:v7",
            "pkg:oci/checkout?repository_url=https://ghcr.io/shop/&tag=v7                           | ghcr.io/shop/checkout:v7",
            // without repository_url the image is the bare name (Docker Hub)
            "pkg:oci/debian@" + ENCODED_DIGEST + "                                                  | debian@" + DIGEST,
            "pkg:oci/debian?tag=bookworm                                                            | debian:bookworm",
            "pkg:OCI/debian?tag=bookworm                                                            | debian:bookworm",
    })
    void anOciPackageUrlNamesItsImage(String purl, String image) {
        assertThat(StableImage.fromPackageUrl(purl)).contains(image);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkg:generic/checkout@1.0.0", "pkg:maven/com.example/checkout@3.0.0",
            "checkout:1.0.0", "pkg:oci/", "pkg:oci/checkout?arch=amd64"})
    void otherArtifactsNameNoImage(String artifactId) {
        assertThat(StableImage.fromPackageUrl(artifactId)).isEmpty();
    }

    @Test
    void theEventsImageWinsOverThePackageUrlAndTheTemplate() {
        RollbackPlan plan = plan("registry.example.com/checkout:1.4.2",
                "pkg:oci/checkout?repository_url=ghcr.io/shop/checkout&tag=1.4.2");
        assertThat(StableImage.of(plan, Optional.of("other.example.com/{service}:{version}")))
                .contains(new StableImage("registry.example.com/checkout:1.4.2", "the deployment event's image"));
    }

    @Test
    void thePackageUrlWinsOverTheTemplate() {
        String purl = "pkg:oci/checkout?repository_url=ghcr.io/shop/checkout&tag=1.4.2";
        assertThat(StableImage.of(plan(null, purl), Optional.of("other.example.com/{service}:{version}")))
                .contains(new StableImage("ghcr.io/shop/checkout:1.4.2", "the package URL " + purl));
    }

    @Test
    void theTemplateNamesTheImageWhenTheEventDoesNot() {
        assertThat(StableImage.of(plan(" ", "pkg:generic/checkout@1.4.2"),
                Optional.of("registry.example.com/{environment}/{service}:{version}")))
                .map(StableImage::image).contains("registry.example.com/production/checkout:1.4.2");
    }

    @Test
    void withoutImagePackageUrlOrTemplateNoImageIsKnown() {
        assertThat(StableImage.of(plan(null, "pkg:generic/checkout@1.4.2"), Optional.empty())).isEmpty();
        assertThat(StableImage.of(plan(null, null), Optional.empty())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry.example.com/{service}:{version}", "{service}:{version}",
            "localhost:5000/team/{service}:v{version}", "ghcr.io/shop/{environment}-{service}:{version}"})
    void usableTemplatesPass(String template) {
        assertThat(StableImage.templateProblem(template)).isNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "registry.example.com/{service}:latest   | must contain {version}",
            "registry.example.com/{app}:{version}    | unknown placeholder {app}",
            "registry.example.com/{service}: {version} | whitespace",
            "registry.example.com/{service}:{version | must contain {version}",
            "Registry/{service}/UPPER:{version}      | not make a valid image reference",
            "registry.example.com/{service}::{version} | not make a valid image reference",
    })
    void unusableTemplatesAreExplained(String template, String problem) {
        assertThat(StableImage.templateProblem(template)).contains(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx", "nginx:1.27", "library/nginx@" + DIGEST, "ghcr.io/shop/checkout:1.4.2@" + DIGEST,
            "localhost:5000/checkout:v1", "Registry.Example.COM/shop/check_out.web:1.0.0-rc.1"})
    void imageReferencesFollowTheDistributionGrammar(String image) {
        assertThat(ImageReference.isValid(image)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Checkout:1.0", "ghcr.io/shop/checkout:1.0.0+build.5", "checkout:", "checkout@sha256:abc",
            "ghcr.io//checkout:1", "checkout:1 ", "-checkout:1"})
    void brokenImageReferencesAreRefused(String image) {
        assertThat(ImageReference.isValid(image)).isFalse();
    }

    private static RollbackPlan plan(String toImage, String toArtifactId) {
        return new RollbackPlan("rb-1", "checkout", "production", "1.5.0", "1.4.2", toArtifactId, toImage,
                "analysis failed", "chain-1");
    }
}
