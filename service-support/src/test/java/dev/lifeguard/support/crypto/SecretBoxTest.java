package dev.lifeguard.support.crypto;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aSealedSecretOpensWithItsKeyAndShowsNothingOfItself() {
        SecretBox box = new SecretBox(Optional.of(KEY));
        String sealed = box.seal("https://hooks.slack.com/services/T000/B000/XXXX");

        assertThat(sealed).startsWith("sealed:v1:").doesNotContain("hooks.slack.com").doesNotContain("XXXX");
        assertThat(box.seal("same")).as("a fresh IV each time").isNotEqualTo(box.seal("same"));
        assertThat(box.open(sealed)).isEqualTo("https://hooks.slack.com/services/T000/B000/XXXX");
        assertThat(SecretBox.isSealed(sealed)).isTrue();
    }

    @Test
    void valuesStoredBeforeEncryptionPassThroughAndOtherKeysOrDamageAreRefused() {
        SecretBox box = new SecretBox(Optional.of(KEY));
        assertThat(box.open("plain-legacy-secret")).isEqualTo("plain-legacy-secret");
        assertThat(box.open(null)).isNull();

        String sealed = box.seal("s3cret");
        assertThatThrownBy(() -> new SecretBox(Optional.of(OTHER_KEY)).open(sealed))
                .hasMessageContaining("does not open").hasMessageNotContaining("s3cret");
        String damaged = sealed.substring(0, sealed.length() - 4) + "AAAA";
        assertThatThrownBy(() -> box.open(damaged)).hasMessageContaining("does not open");
    }

    @Test
    void withoutAKeyNothingIsStoredAndABadKeyIsNamed() {
        assertThatThrownBy(() -> new SecretBox(Optional.empty()).seal("s3cret"))
                .hasMessageContaining("lifeguard.secrets.key is not set");
        assertThatThrownBy(() -> new SecretBox(Optional.of("bm90IDMyIGJ5dGVz")))
                .hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> new SecretBox(Optional.of("%%%"))).hasMessageContaining("not base64");
    }
}
