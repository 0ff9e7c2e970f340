package dev.lifeguard.monitor;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Waits on the engine's own stores: a spec is live once the engine's global specs store holds it. */
public final class EngineStores {

    private EngineStores() {
    }

    public static void awaitSpecLive(KafkaStreams streams, String service, String expectedFragment) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            var store = streams.store(StoreQueryParameters.fromNameAndType("analysis-specs",
                    QueryableStoreTypes.<String, String>keyValueStore()));
            String record = store.get(service + "/" + Fixtures.ENVIRONMENT);
            return record != null && record.contains(expectedFragment);
        });
    }
}
