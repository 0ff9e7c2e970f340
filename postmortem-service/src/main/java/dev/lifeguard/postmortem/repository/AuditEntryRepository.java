package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.AuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;

@ApplicationScoped
public class AuditEntryRepository implements PanacheRepositoryBase<AuditEntry, String> {

    /**
     * What a search asks for; null fields match everything. {@code action} is a case-insensitive substring,
     * {@code target} a prefix, the others exact; {@code from} inclusive, {@code to} exclusive; {@code before} is the
     * last entry of the previous page (its time and id).
     */
    public record Query(String actor, String action, String service, String outcome, String target,
                        OffsetDateTime from, OffsetDateTime to, AuditEntry before, int limit) {
    }

    /** Newest first (then by event id, so that pages never overlap nor skip entries of one instant). */
    public List<AuditEntry> search(Query query) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (query.actor() != null) {
            where.append(" and actor = :actor");
            parameters.and("actor", query.actor());
        }
        if (query.action() != null) {
            where.append(" and lower(action) like :action escape '\\'");
            parameters.and("action", "%" + likeLiteral(query.action().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (query.service() != null) {
            where.append(" and service = :service");
            parameters.and("service", query.service());
        }
        if (query.outcome() != null) {
            where.append(" and outcome = :outcome");
            parameters.and("outcome", query.outcome());
        }
        if (query.target() != null) {
            where.append(" and target like :target escape '\\'");
            parameters.and("target", likeLiteral(query.target()) + "%");
        }
        if (query.from() != null) {
            where.append(" and at >= :from");
            parameters.and("from", query.from());
        }
        if (query.to() != null) {
            where.append(" and at < :to");
            parameters.and("to", query.to());
        }
        if (query.before() != null) {
            where.append(" and (at < :beforeAt or (at = :beforeAt and eventId < :beforeId))");
            parameters.and("beforeAt", query.before().at).and("beforeId", query.before().eventId);
        }
        return find(where + " order by at desc, eventId desc", parameters).page(0, query.limit()).list();
    }

    /** Removes entries older than {@code cutoff}, at most {@code batch} at a time; returns how many. */
    public int deleteOlderThan(OffsetDateTime cutoff, int batch) {
        return getEntityManager().createNativeQuery("DELETE FROM audit_entry WHERE event_id IN (SELECT event_id FROM"
                        + " audit_entry WHERE at < :cutoff ORDER BY at LIMIT :batch)")
                .setParameter("cutoff", cutoff)
                .setParameter("batch", batch)
                .executeUpdate();
    }

    /** {@code text} matched literally by LIKE. */
    private static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
