package dev.lifeguard.notify;

import dev.lifeguard.notify.repository.SealedText;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** A team's wish to hear about some services (or all: {@value #ALL_SERVICES}) on one chat channel. */
@Entity
@Table(name = "subscription")
public class Subscription extends PanacheEntityBase {

    public static final String ALL_SERVICES = "*";

    @Id
    @Column(length = 64)
    public String id;

    @Column(nullable = false, length = 100)
    public String team;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "subscription_service", joinColumns = @JoinColumn(name = "subscription_id"))
    @OrderColumn(name = "position")
    @Column(name = "service", nullable = false, length = 100)
    public List<String> services = new ArrayList<>();

    /** The {@code @Identifier} of the {@code ChatChannel} that renders for this subscription. */
    @Column(name = "channel_type", nullable = false, length = 20)
    public String channelType;

    /**
     * Slack webhook URLs are credentials: sealed in the database ({@link SealedText}), shown and logged only through
     * {@code ChannelUrl.masked()}.
     */
    @Convert(converter = SealedText.class)
    @Column(name = "channel_url", nullable = false, columnDefinition = "text")
    public String channelUrl;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
