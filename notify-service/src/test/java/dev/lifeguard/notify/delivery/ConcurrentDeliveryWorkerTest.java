package dev.lifeguard.notify.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.DeliveryStatus;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two {@link DeliveryWorker} runs at once (two instances, or the schedule and a manual run) share the pending
 * deliveries: the claim (row lock, SKIP LOCKED, then a lease) hands each delivery to one of them only.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ConcurrentDeliveryWorkerTest {

    private static final int PENDING = 25;
    /** lifeguard.notify.delivery.batch-size */
    private static final int BATCH = 10;

    @Inject
    DeliveryWorker worker;
    @Inject
    DeliveryRepository deliveries;

    private WireMockServer channel;

    @BeforeEach
    void startChannel() {
        channel = new WireMockServer(options().dynamicPort());
        channel.start();
    }

    @AfterEach
    void stopChannel() {
        channel.stop();
    }

    @Test
    void twoWorkersRunningAtOnceDeliverEachPendingDeliveryOnce() throws Exception {
        String path = "/hooks/" + UUID.randomUUID();
        channel.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withFixedDelay(20)));
        String team = unique("team");
        String subscriptionId = subscribe(team, List.of(unique("svc")), "webhook", channel.baseUrl() + path);
        // One delivery first, so that no attempt below times out on a cold channel (a timed-out attempt is retried,
        // which is a second POST by design, not a second claim).
        List<String> warmUp = recordPending(team, subscriptionId, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(warmUp) == 1);
        channel.resetRequests();
        List<String> ids = recordPending(team, subscriptionId, PENDING);

        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(workers.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return worker.deliverDue();
                }));
            }
            for (Future<Integer> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(ids) == PENDING);

        List<LoggedRequest> posts = channel.findAll(postRequestedFor(urlEqualTo(path)));
        Map<String, Long> postsPerDelivery = posts.stream()
                .collect(Collectors.groupingBy(request -> request.getHeader("Idempotency-Key"), Collectors.counting()));
        assertThat(postsPerDelivery).containsOnlyKeys(ids);
        assertThat(postsPerDelivery.values()).containsOnly(1L);
        assertThat(posts).hasSize(PENDING);
        QuarkusTransaction.requiringNew().run(() -> assertThat(deliveries.list("id in ?1", ids))
                .extracting(delivery -> delivery.attempts).containsOnly(1));
    }

    @Test
    void batchWhosePostsOutlastItsLeaseStillPostsEachDeliveryOnce() {
        String path = "/hooks/" + UUID.randomUUID();
        // One batch of 10 POSTs at 0.5 s each takes 5 s, longer than the %test lease of 3 s: the deliveries at the
        // end of the batch are due again, and the scheduled run claims them, before this run gets to them.
        channel.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withFixedDelay(500)));
        String team = unique("team");
        String subscriptionId = subscribe(team, List.of(unique("svc")), "webhook", channel.baseUrl() + path);
        List<String> warmUp = recordPending(team, subscriptionId, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(warmUp) == 1);
        channel.resetRequests();
        List<String> ids = recordPending(team, subscriptionId, BATCH);

        worker.deliverDue();
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(ids) == BATCH);

        Map<String, Long> postsPerDelivery = channel.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .collect(Collectors.groupingBy(request -> request.getHeader("Idempotency-Key"), Collectors.counting()));
        assertThat(postsPerDelivery).containsOnlyKeys(ids);
        assertThat(postsPerDelivery.values()).containsOnly(1L);
    }

    /** Pending deliveries due now, as the consumer records them; returns their ids. */
    private List<String> recordPending(String team, String subscriptionId, int count) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        List<String> ids = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                Delivery delivery = new Delivery();
                delivery.id = UUID.randomUUID().toString();
                delivery.subscriptionId = subscriptionId;
                delivery.team = team;
                delivery.service = "checkout";
                delivery.environment = "production";
                delivery.channelType = "webhook";
                delivery.eventId = UUID.randomUUID().toString();
                delivery.eventType = GoldenEvents.DEPLOYED;
                delivery.body = "{\"delivery\":" + i + "}";
                delivery.status = DeliveryStatus.PENDING;
                delivery.attempts = 0;
                delivery.createdAt = now;
                delivery.nextAttemptAt = now;
                deliveries.persist(delivery);
                ids.add(delivery.id);
            }
        });
        return ids;
    }

    private long delivered(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> deliveries.count("id in ?1 and status = ?2", ids,
                DeliveryStatus.DELIVERED));
    }
}
