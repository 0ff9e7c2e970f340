package dev.lifeguard.support.consumer;

import dev.lifeguard.support.event.MalformedEventException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are poison (dead-lettered) and which are transient (retried in place). */
class RecordProcessorTest {

    @Test
    void malformedEventAnywhereInTheCauseChainIsPoison() {
        MalformedEventException malformed = new MalformedEventException("missing field 'id'");
        assertThat(RecordProcessor.poisonIn(malformed)).containsSame(malformed);
        assertThat(RecordProcessor.poisonIn(new IllegalStateException("rolled back", new CompletionException(malformed))))
                .containsSame(malformed);
    }

    @Test
    void aValueTheDatabaseRefusesAsDataIsPoisonNamingTheSqlState() {
        SQLException tooLong = new SQLException("value too long for type character varying(64)", "22001");
        var poison = RecordProcessor.poisonIn(new RuntimeException("could not execute statement", tooLong));
        assertThat(poison).isPresent();
        assertThat(poison.get().getMessage()).contains("22001").contains("value too long");
    }

    @Test
    void everythingElseIsTransient() {
        assertThat(RecordProcessor.poisonIn(new RuntimeException("connection refused",
                new SQLTransientConnectionException("Connection is not available", "08001")))).isEmpty();
        assertThat(RecordProcessor.poisonIn(new RuntimeException("duplicate key",
                new SQLException("duplicate key value violates unique constraint", "23505"))))
                .as("a constraint violation is a race between instances; the retry finds the work done").isEmpty();
        assertThat(RecordProcessor.poisonIn(new IllegalStateException("lock timeout"))).isEmpty();
        assertThat(RecordProcessor.poisonIn(new SQLException("no state"))).isEmpty();
    }
}
