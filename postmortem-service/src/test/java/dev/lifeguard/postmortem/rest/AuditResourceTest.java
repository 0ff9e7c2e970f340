package dev.lifeguard.postmortem.rest;

import dev.lifeguard.postmortem.AuditEvents;
import dev.lifeguard.postmortem.AuditEvents.Entry;
import dev.lifeguard.postmortem.service.AuditService;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** {@code GET /api/v1/audit}: the audit trail every service writes to lifeguard.audit, read back with filters. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class AuditResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-01T10:00:00Z");

    @ConfigProperty(name = "lifeguard.topics.audit")
    String auditTopic;
    @Inject
    AuditService audit;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void entriesAreListedNewestFirstAndFilteredByEachField() {
        String actor = "alice-" + UUID.randomUUID();
        Entry approve = Entry.of(actor, "POST /api/v1/rollbacks/{id}/approve", "/api/v1/rollbacks/rb-1/approve",
                "succeeded", T0.plusMinutes(1));
        Entry reject = Entry.of(actor, "POST /api/v1/rollbacks/{id}/reject", "/api/v1/rollbacks/rb-2/reject",
                "forbidden", T0.plusMinutes(3));
        Entry target = Entry.of(actor, "PUT /api/v1/targets/{service}/{environment}",
                "/api/v1/targets/checkout/production", "succeeded", T0.plusMinutes(2)).withService("deploy-service");
        publishAll(approve, reject, target);
        awaitEntries(actor, 3);

        assertThat(ids("actor", actor)).containsExactly(reject.id(), target.id(), approve.id());
        assertThat(ids("actor", actor, "action", "APPROVE")).containsExactly(approve.id());
        assertThat(ids("actor", actor, "action", "POST /api/v1/rollbacks/{id}/")).containsExactly(reject.id(),
                approve.id());
        assertThat(ids("actor", actor, "service", "deploy-service")).containsExactly(target.id());
        assertThat(ids("actor", actor, "outcome", "forbidden")).containsExactly(reject.id());
        assertThat(ids("actor", actor, "target", "/api/v1/rollbacks/")).containsExactly(reject.id(), approve.id());
        assertThat(ids("actor", actor, "target", "/api/v1/rollbacks/rb-1")).containsExactly(approve.id());
        assertThat(ids("actor", actor, "from", T0.plusMinutes(2).toString())).containsExactly(reject.id(),
                target.id());
        assertThat(ids("actor", actor, "to", T0.plusMinutes(2).toString())).containsExactly(approve.id());
        assertThat(ids("actor", actor, "from", "2026-12-01T11:01:00+01:00", "to", "2026-12-01T10:03:00Z"))
                .containsExactly(target.id(), approve.id());
        // LIKE wildcards in a filter are plain characters
        assertThat(ids("actor", actor, "action", "%")).isEmpty();
        assertThat(ids("actor", actor, "target", "_")).isEmpty();

        JsonPath entry = given().queryParam("actor", actor).queryParam("outcome", "succeeded")
                .queryParam("service", "deploy-service").get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        assertThat(entry.getString("entries[0].action")).isEqualTo("PUT /api/v1/targets/{service}/{environment}");
        assertThat(entry.getString("entries[0].actorKind")).isEqualTo("user");
        assertThat(entry.getList("entries[0].roles")).containsExactly("operator", "viewer");
        assertThat(entry.getList("entries[0].teams")).containsExactly("payments");
        assertThat(entry.getInt("entries[0].status")).isEqualTo(200);
        assertThat(entry.getString("entries[0].sourceAddress")).isEqualTo("10.0.4.17");
        assertThat(OffsetDateTime.parse(entry.getString("entries[0].at"))).isEqualTo(T0.plusMinutes(2));
        assertThat(entry.getString("next")).isNull();
    }

    @Test
    void pagesFollowEachOtherWithoutGapsOrRepeatsEvenWithinOneInstant() {
        String actor = "bob-" + UUID.randomUUID();
        List<Entry> entries = List.of(
                Entry.of(actor, "DELETE /api/v1/subscriptions/{id}", "/api/v1/subscriptions/a", "succeeded", T0),
                Entry.of(actor, "DELETE /api/v1/subscriptions/{id}", "/api/v1/subscriptions/b", "succeeded", T0),
                Entry.of(actor, "DELETE /api/v1/subscriptions/{id}", "/api/v1/subscriptions/c", "succeeded", T0),
                Entry.of(actor, "DELETE /api/v1/subscriptions/{id}", "/api/v1/subscriptions/d", "succeeded",
                        T0.plusSeconds(1)),
                Entry.of(actor, "DELETE /api/v1/subscriptions/{id}", "/api/v1/subscriptions/e", "succeeded",
                        T0.minusSeconds(1)));
        publishAll(entries.toArray(Entry[]::new));
        awaitEntries(actor, entries.size());

        List<String> all = ids("actor", actor);
        JsonPath first = given().queryParam("actor", actor).queryParam("limit", 2).get("/api/v1/audit").then()
                .statusCode(200).extract().jsonPath();
        JsonPath second = given().queryParam("actor", actor).queryParam("limit", 2)
                .queryParam("before", first.getString("next")).get("/api/v1/audit").then().extract().jsonPath();
        JsonPath third = given().queryParam("actor", actor).queryParam("limit", 2)
                .queryParam("before", second.getString("next")).get("/api/v1/audit").then().extract().jsonPath();

        List<String> paged = new ArrayList<>(first.getList("entries.id"));
        paged.addAll(second.getList("entries.id"));
        paged.addAll(third.getList("entries.id"));
        assertThat(paged).isEqualTo(all).hasSize(5).doesNotHaveDuplicates();
        assertThat(third.getString("next")).isNull();
        assertThat(all.get(0)).isEqualTo(entries.get(3).id());
        assertThat(all.get(4)).isEqualTo(entries.get(4).id());
    }

    @ParameterizedTest
    @CsvSource({
            "from, yesterday",
            "to, 2026-12-01",
            "limit, 0",
            "limit, 501",
            "limit, ten",
            "before, no-such-entry",
            "service, Not A Name",
            "actr, alice"})
    void aBadQueryIsAProblemThatNamesTheParameter(String parameter, String value) {
        given().queryParam(parameter, value).get("/api/v1/audit").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(parameter));
    }

    @Test
    void toMustComeAfterFrom() {
        given().queryParam("from", "2026-12-02T00:00:00Z").queryParam("to", "2026-12-01T00:00:00Z")
                .get("/api/v1/audit").then()
                .statusCode(400)
                .body("field", equalTo("to"));
    }

    @Test
    void aCallOnThisServiceIsAuditedOnTheTopicByContractAndListed() {
        String subject = "carol-" + UUID.randomUUID();
        TestTokens.as(TestTokens.token(subject, Set.of("operator"), Set.of()))
                .post("/api/v1/outbox/987654321/retry").then().statusCode(404);

        ConsumerRecord<String, String> record = kafka.awaitRecord(auditTopic,
                candidate -> candidate.value().contains(subject));
        assertThat(EventContract.violations(record.value())).isEmpty();
        assertThat(record.key()).isEqualTo(subject);
        awaitEntries(subject, 1);
        JsonPath listed = given().queryParam("actor", subject).get("/api/v1/audit").then().extract().jsonPath();
        assertThat(listed.getString("entries[0].service")).isEqualTo("postmortem-service");
        assertThat(listed.getString("entries[0].action")).isEqualTo("POST /api/v1/outbox/{id}/retry");
        assertThat(listed.getString("entries[0].outcome")).isEqualTo("not-found");
        assertThat(listed.getInt("entries[0].status")).isEqualTo(404);
    }

    @Test
    void entriesOlderThanTheRetentionAreRemoved() {
        String actor = "dave-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Entry old = Entry.of(actor, "PUT /api/v1/policies", "/api/v1/policies/x", "succeeded", now.minusDays(401));
        Entry kept = Entry.of(actor, "PUT /api/v1/policies", "/api/v1/policies/y", "succeeded", now.minusDays(399));
        publishAll(old, kept);
        awaitEntries(actor, 2);

        assertThat(audit.purgeExpired()).isGreaterThanOrEqualTo(1);

        assertThat(ids("actor", actor)).containsExactly(kept.id());
    }

    private void publishAll(Entry... entries) {
        for (Entry entry : entries) {
            kafka.send(auditTopic, entry.actor(), AuditEvents.event(entry));
        }
    }

    private static void awaitEntries(String actor, int count) {
        await().atMost(WAIT).until(() -> ids("actor", actor).size() == count);
    }

    static List<String> ids(String... parameters) {
        var request = given().queryParam("limit", 500);
        for (int i = 0; i < parameters.length; i += 2) {
            request = request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request.get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("entries.id");
    }
}
