package dev.lifeguard.rollback;

import dev.lifeguard.testsupport.AdminApi;
import dev.lifeguard.testsupport.TestTokens;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.Set;

/** Calls made by a named person: whoever acts is the token's subject, so tests that name the actor sign as them. */
public final class People {

    private People() {
    }

    /** {@code subject}, an admin (no team): may do anything, so the test is about who, not whether. */
    public static RequestSpecification as(String subject) {
        return TestTokens.as(TestTokens.token(subject, Set.of("admin"), Set.of()));
    }

    /** As the body's {@code by} when it names one, else as {@code test-admin}. */
    public static RequestSpecification asBy(Map<String, ?> body) {
        Object by = body.get("by");
        return by instanceof String name && !name.isBlank() ? as(name) : AdminApi.given();
    }
}
