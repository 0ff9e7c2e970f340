package dev.lifeguard.notify.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.notify.Subscription;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityMatrix;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static dev.lifeguard.testsupport.SecurityMatrix.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/**
 * Who may do what on notify-service: every endpoint against the six token cases, team scope on subscriptions and
 * deliveries, strict bodies, the body limit, channel URLs sealed at rest, and the audit of a mutating call.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class NotifySecurityTest {

    private static final String SECRET_PATH = "/services/T000/B000/";
    /** No event names it: nothing is ever delivered to these test URLs. */
    private static final String SERVICE = unique("quiet");

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "lifeguard.topics.audit")
    String auditTopic;

    private static String body(String team) {
        return "{\"team\":\"" + team + "\",\"services\":[\"" + SERVICE + "\"],"
                + "\"channel\":{\"type\":\"slack\",\"url\":\"https://hooks.slack.com" + SECRET_PATH + "S" + "\"}}";
    }

    @Test
    void everyEndpointAnswersEachKindOfCallerAsExpected() {
        String team = unique("team");
        String shown = subscribe(team, List.of(SERVICE), "slack", "https://hooks.slack.com/services/T/B/x");
        String deleted = subscribe(team, List.of(SERVICE), "slack", "https://hooks.slack.com/services/T/B/y");

        SecurityMatrix.check(
                endpoint("POST", "/api/v1/subscriptions").body(body(team)).needs("operator")
                        .rightToken(() -> TestTokens.forRole("operator", team)).answers(201),
                endpoint("GET", "/api/v1/subscriptions").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/subscriptions/" + shown).needs("viewer").ownedBy(team).answers(200),
                endpoint("DELETE", "/api/v1/subscriptions/" + deleted).needs("operator").ownedBy(team).answers(204),
                endpoint("GET", "/api/v1/deliveries").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/outbox").needs("viewer").answers(200),
                endpoint("POST", "/api/v1/outbox/987654321/retry").needs("operator").answers(404));
    }

    @Test
    void anOperatorSubscribesOnlyItsOwnTeamsAndOnlyAnAdminSubscribesForAnyTeam() {
        String team = unique("team");
        TestTokens.as(TestTokens.forRole("operator", "payments")).contentType(ContentType.JSON).body(body(team))
                .post("/api/v1/subscriptions").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("field", equalTo("team"));
        TestTokens.as(TestTokens.admin()).contentType(ContentType.JSON).body(body(team))
                .post("/api/v1/subscriptions").then()
                .statusCode(201);
    }

    @Test
    void othersSeeNeitherATeamsSubscriptionsNorItsDeliveries() {
        String team = unique("team");
        String id = subscribe(team, List.of(SERVICE), "slack", "https://hooks.slack.com/services/T/B/z");
        String member = TestTokens.forRole("viewer", team);
        String stranger = TestTokens.forRole("operator", "another-team");

        TestTokens.as(member).get("/api/v1/subscriptions").then().statusCode(200).body("id", hasItem(id));
        TestTokens.as(stranger).get("/api/v1/subscriptions").then().statusCode(200).body("id", not(hasItem(id)));
        TestTokens.as(stranger).queryParam("team", team).get("/api/v1/subscriptions").then()
                .statusCode(200).body("$", hasSize(0));
        TestTokens.as(stranger).get("/api/v1/subscriptions/{id}", id).then().statusCode(404);
        TestTokens.as(stranger).delete("/api/v1/subscriptions/{id}", id).then().statusCode(404);
        // a member who only views may not delete
        TestTokens.as(member).delete("/api/v1/subscriptions/{id}", id).then().statusCode(403);
        TestTokens.as(TestTokens.admin()).get("/api/v1/subscriptions").then().body("id", hasItem(id));

        insertDelivery(id, team);
        insertDelivery(id, "another-team");
        TestTokens.as(member).get("/api/v1/deliveries").then().statusCode(200)
                .body("team", hasItem(team)).body("team", everyItem(equalTo(team)));
        TestTokens.as(stranger).queryParam("team", team).get("/api/v1/deliveries").then()
                .statusCode(200).body("team", not(hasItem(team)));
        TestTokens.as(TestTokens.forRole("viewer")).get("/api/v1/deliveries").then()
                .statusCode(200).body("$", hasSize(0));
        TestTokens.as(TestTokens.admin()).queryParam("team", team).get("/api/v1/deliveries").then()
                .statusCode(200).body("team", hasItem(team));
    }

    @Test
    void anUnknownFieldIsRefusedByName() {
        String team = unique("team");
        String body = body(team).replaceFirst("\\{", "{\"id\":\"mine\",");
        TestTokens.as(TestTokens.admin()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/subscriptions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("id"));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        SecurityMatrix.assertBodyLimit("POST /api/v1/subscriptions");
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        SecurityMatrix.assertOperationsEndpointsOpen();
    }

    @Test
    void channelUrlsAreSealedInTheDatabaseAndNeverShown() throws SQLException {
        String team = unique("team");
        String secret = "https://hooks.slack.com" + SECRET_PATH + "SEALME" + UUID.randomUUID();
        String id = subscribe(team, List.of(SERVICE), "slack", secret);

        String stored = storedChannelUrl(id);
        assertThat(stored).startsWith("sealed:v1:").doesNotContain("hooks.slack.com").doesNotContain("SEALME");
        TestTokens.as(TestTokens.admin()).get("/api/v1/subscriptions/{id}", id).then()
                .statusCode(200)
                .body("channel.url", equalTo("https://hooks.slack.com/***"))
                .body(not(containsString("SEALME")));
        // the application reads it back plain
        String read = QuarkusTransaction.requiringNew().call(() ->
                Subscription.<Subscription>findById(id).channelUrl);
        assertThat(read).isEqualTo(secret);
    }

    @Test
    void aChannelUrlStoredBeforeSealingStillReads() throws SQLException {
        String id = UUID.randomUUID().toString();
        String team = unique("team");
        String plain = "https://hooks.example.org/legacy/PLAINSECRET";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO subscription (id, team, channel_type,"
                     + " channel_url, created_at) VALUES (?, ?, 'webhook', ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, team);
            insert.setString(3, plain);
            insert.setObject(4, OffsetDateTime.now());
            insert.executeUpdate();
        }
        TestTokens.as(TestTokens.admin()).get("/api/v1/subscriptions/{id}", id).then()
                .statusCode(200)
                .body("channel.url", equalTo("https://hooks.example.org/***"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> Subscription.<Subscription>findById(id).channelUrl))
                .isEqualTo(plain);
    }

    @Test
    void aMutatingCallIsAuditedWithTheTokensSubject() {
        String team = unique("team");
        String token = TestTokens.token("alice", Set.of("operator"), Set.of(team));
        String id = TestTokens.as(token).contentType(ContentType.JSON).body(body(team))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");

        try (KafkaTestClient kafka = KafkaTestClient.forTestBroker()) {
            ConsumerRecord<String, String> record = kafka.awaitRecord(auditTopic,
                    candidate -> candidate.value().contains("\"alice\"")
                            && candidate.value().contains("POST /api/v1/subscriptions"));
            assertThat(EventContract.violations(record.value())).isEmpty();
            JsonNode entry = EventContract.parse(record.value()).at("/data/subject/content");
            assertThat(entry.path("actorKind").asText()).isEqualTo("user");
            assertThat(entry.path("outcome").asText()).isEqualTo("succeeded");
            assertThat(entry.path("teams").toString()).contains(team);
            // never the body, so never the channel URL
            assertThat(record.value()).doesNotContain(SECRET_PATH);
        }
        assertThat(id).isNotBlank();
    }

    private String storedChannelUrl(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT channel_url FROM subscription WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private void insertDelivery(String subscriptionId, String team) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO delivery (id, subscription_id, team,"
                     + " service, environment, channel_type, event_id, event_type, body, status, attempts,"
                     + " created_at, delivered_at) VALUES (?, ?, ?, 'checkout', 'production', 'slack', ?, 'test', '{}',"
                     + " 'DELIVERED', 1, ?, ?)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, subscriptionId);
            insert.setString(3, team);
            insert.setString(4, UUID.randomUUID().toString());
            insert.setObject(5, OffsetDateTime.now());
            insert.setObject(6, OffsetDateTime.now());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
