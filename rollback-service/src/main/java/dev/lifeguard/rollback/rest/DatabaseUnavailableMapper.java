package dev.lifeguard.rollback.rest;

import dev.lifeguard.support.rest.Problem;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;

/**
 * A request that needs the database while it is away is answered 503 problem+json with a {@code Retry-After}, so a
 * client (the CLI, CI) knows to try again rather than that its request was wrong. Nothing was decided then: the
 * decision and its outbox row are one transaction.
 */
public class DatabaseUnavailableMapper {

    private static final Logger LOG = Logger.getLogger(DatabaseUnavailableMapper.class);
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response persistence(PersistenceException e) {
        return answer(e);
    }

    @ServerExceptionMapper
    public Response sql(SQLException e) {
        return answer(e);
    }

    private static Response answer(Exception e) {
        if (!databaseUnreachable(e)) {
            LOG.error("Request failed in the database", e);
            return Response.status(500).type(Problem.MEDIA_TYPE)
                    .entity(new Problem("about:blank", "Internal Server Error", 500,
                            "the request failed in the database; see the service log", null))
                    .build();
        }
        LOG.warnf("Request refused, the database is unavailable: %s", e.toString());
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(new Problem("about:blank", "Database unavailable", 503,
                        "rollback-service cannot reach its database; nothing was recorded, try again shortly", null))
                .build();
    }

    /**
     * Connection failures: Hibernate's {@link JDBCConnectionException}, SQLSTATE class 08 (connection exception),
     * 57P0x (the server shut the connection or is starting) and 55000 as PostgreSQL answers while a database
     * refuses connections, or the pool giving up waiting for a connection.
     */
    static boolean databaseUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JDBCConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = Objects.toString(sql.getSQLState(), "");
                String message = Objects.toString(sql.getMessage(), "").toLowerCase(Locale.ROOT);
                if (state.startsWith("08") || state.startsWith("57P0")
                        || state.equals("55000") && message.contains("not currently accepting connections")
                        || message.contains("acquisition timeout") || message.contains("connection is closed")) {
                    return true;
                }
            }
        }
        return false;
    }
}
