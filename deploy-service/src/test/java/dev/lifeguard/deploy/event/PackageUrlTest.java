package dev.lifeguard.deploy.event;

import dev.lifeguard.support.event.MalformedEventException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackageUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "pkg:generic/checkout@1.0.0                                  | checkout | 1.0.0",
            "pkg:maven/com.example/checkout@3.0.0                        | checkout | 3.0.0",
            "pkg:oci/checkout@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427?tag=2.1.0 | checkout | 2.1.0",
            "pkg:oci/myapp@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427 | myapp | sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427",
            "pkg:oci/checkout?repository_url=ghcr.io/shop&tag=v7        | checkout | v7",
            "pkg:npm/%40shop/web@2.0.0-rc.1#dist                         | web      | 2.0.0-rc.1",
    })
    void versionIsTheVersionElseTheTagElseTheDigest(String purl, String name, String version) {
        PackageUrl parsed = PackageUrl.parse(purl);
        assertThat(parsed.name()).isEqualTo(name);
        assertThat(parsed.deployedVersion()).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"checkout:1.0.0", "pkg:generic", "pkg:generic/checkout", "pkg:oci/checkout?arch=amd64"})
    void unusablePackageUrlsAreRejectedWithTheReason(String purl) {
        assertThatThrownBy(() -> PackageUrl.parse(purl).deployedVersion())
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("package URL");
    }
}
