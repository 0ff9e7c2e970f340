package dev.lifeguard.testsupport;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.assertj.core.api.SoftAssertions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The table-driven access test every service runs: each endpoint is called with no token, an expired one, a badly
 * signed one, one whose role is not enough, one of another team (for team-owned objects) and the right one, and each
 * answer's status is checked (401/403/404 as problem+json). The right token goes last, as it may change state.
 * <pre>
 * SecurityMatrix.check(
 *     endpoint("GET", "/api/v1/policies").needs("viewer").answers(200),
 *     endpoint("PUT", "/api/v1/policies/services/checkout/environments/production").body(json)
 *         .needs("operator").ownedBy("payments").answers(200));
 * </pre>
 */
public final class SecurityMatrix {

    public static final String OTHER_TEAM = "some-other-team";
    private static final String NO_LIFEGUARD_ROLE = "nobody";

    private SecurityMatrix() {
    }

    public static Endpoint endpoint(String method, String path) {
        return new Endpoint(method, path);
    }

    /** Runs every endpoint's cases in order and reports every wrong answer at once. */
    public static void check(Endpoint... endpoints) {
        SoftAssertions softly = new SoftAssertions();
        for (Endpoint endpoint : endpoints) {
            endpoint.cases().forEach((name, testCase) -> {
                Response response = testCase.call.get();
                String label = endpoint + " with " + name;
                softly.assertThat(response.statusCode()).as(label + " (body: " + response.asString() + ")")
                        .isEqualTo(testCase.expectedStatus);
                if (testCase.expectedStatus == 401 || testCase.expectedStatus == 403
                        || testCase.expectedStatus == 404) {
                    softly.assertThat(response.contentType()).as(label + ": content type")
                            .startsWith("application/problem+json");
                }
            });
        }
        softly.assertAll();
    }

    /** Health, metrics and OpenAPI answer without a token (they are not under {@code /api/v1}). */
    public static void assertOperationsEndpointsOpen() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi")) {
            io.restassured.RestAssured.given().get(path).then().statusCode(200);
        }
    }

    /**
     * A body over the 1M limit gets 413 problem+json on each of {@code endpoints} ("POST /api/v1/…"), even with a token
     * that may call them: the size is refused before anything reads it.
     */
    public static void assertBodyLimit(String... endpoints) {
        String oversized = "{\"padding\":\"" + "x".repeat(1_100_000) + "\"}";
        for (String endpoint : endpoints) {
            String[] methodAndPath = endpoint.split(" ", 2);
            TestTokens.as(TestTokens.admin()).contentType("application/json").body(oversized)
                    .request(methodAndPath[0], methodAndPath[1]).then()
                    .statusCode(413).contentType("application/problem+json");
        }
    }

    /** The role one step short of {@code role}: what a "wrong role" token carries. */
    static String wrongRoleFor(String role) {
        return switch (role) {
            case "admin" -> "operator";
            case "operator" -> "ci";
            case "ci" -> "operator";
            default -> NO_LIFEGUARD_ROLE;
        };
    }

    private record Case(int expectedStatus, Supplier<Response> call) {
    }

    public static final class Endpoint {
        private final String method;
        private final String path;
        private String body;
        private String contentType = "application/json";
        private String role = "viewer";
        private String wrongRole;
        private String team;
        private int rightStatus = 200;
        private Supplier<String> rightToken;

        private Endpoint(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Endpoint body(String json) {
            this.body = json;
            return this;
        }

        public Endpoint contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** The least role the endpoint needs. */
        public Endpoint needs(String role) {
            this.role = role;
            return this;
        }

        /** The role the "wrong role" case uses, when not the one just below {@link #needs}. */
        public Endpoint wrongRole(String role) {
            this.wrongRole = role;
            return this;
        }

        /** The object belongs to {@code team}: the right token is a member, another team's member gets 404. */
        public Endpoint ownedBy(String team) {
            this.team = team;
            return this;
        }

        /** The right token's status. */
        public Endpoint answers(int status) {
            this.rightStatus = status;
            return this;
        }

        /** A specific right token (default: {@code test-<role>} of the owning team). */
        public Endpoint rightToken(Supplier<String> token) {
            this.rightToken = token;
            return this;
        }

        Map<String, Case> cases() {
            String[] teams = team == null ? new String[0] : new String[]{team};
            Map<String, Case> cases = new LinkedHashMap<>();
            cases.put("no token", new Case(401, () -> send(null)));
            cases.put("an expired token", new Case(401, () -> send(TestTokens.expired(role, teams))));
            cases.put("a badly signed token", new Case(401, () -> send(TestTokens.badlySigned(role, teams))));
            String wrong = wrongRole != null ? wrongRole : wrongRoleFor(role);
            cases.put("role " + wrong, new Case(403, () -> send(TestTokens.forRole(wrong, teams))));
            if (team != null) {
                cases.put("another team's token", new Case(404, () -> send(TestTokens.forRole(role, OTHER_TEAM))));
            }
            cases.put("the right token", new Case(rightStatus,
                    () -> send(rightToken != null ? rightToken.get() : TestTokens.forRole(role, teams))));
            return cases;
        }

        private Response send(String token) {
            RequestSpecification request = token == null ? io.restassured.RestAssured.given() : TestTokens.as(token);
            if (body != null) {
                request = request.contentType(contentType).body(body);
            }
            return request.request(method, path);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Endpoints in a list, for tables built in a loop. */
    public static void check(List<Endpoint> endpoints) {
        check(endpoints.toArray(new Endpoint[0]));
    }

    /** A fresh list to collect endpoints into. */
    public static List<Endpoint> table() {
        return new ArrayList<>();
    }
}
