package dev.lifeguard.testsupport;

import io.restassured.specification.RequestSpecification;

/**
 * {@code given()} as {@code test-admin}: functional tests, which are about behaviour rather than access, import this
 * instead of RestAssured's. Tests about who may do what use {@link TestTokens} and {@link SecurityMatrix}.
 */
public final class AdminApi {

    private AdminApi() {
    }

    public static RequestSpecification given() {
        return TestTokens.as(TestTokens.admin());
    }
}
