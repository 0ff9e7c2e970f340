package dev.lifeguard.notify.repository;

import dev.lifeguard.support.crypto.SecretBox;
import io.quarkus.arc.Arc;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A column holding a secret: sealed by {@link SecretBox} when written, opened when read, so the secret is plain only
 * in memory. Values written before sealing existed read as they are (and are sealed on their next write). The box is
 * looked up rather than injected because Hibernate, not CDI, makes converter instances.
 */
@Converter
public class SealedText implements AttributeConverter<String, String> {

    @Override
    public String convertToDatabaseColumn(String plain) {
        return box().seal(plain);
    }

    @Override
    public String convertToEntityAttribute(String stored) {
        return box().open(stored);
    }

    private static SecretBox box() {
        return Arc.container().instance(SecretBox.class).get();
    }
}
