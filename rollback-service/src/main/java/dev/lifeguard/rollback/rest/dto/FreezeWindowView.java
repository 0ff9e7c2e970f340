package dev.lifeguard.rollback.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeguard.rollback.FreezeWindow;

/** A freeze window as stored: {@code from}/{@code to} (fixed) or {@code cron}/{@code duration}/{@code zone}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FreezeWindowView(String from, String to, String cron, String duration, String zone, String reason) {

    public static FreezeWindowView of(FreezeWindow window) {
        return window.isRecurring()
                ? new FreezeWindowView(null, null, window.cron(), window.duration().toString(), window.zone().getId(),
                window.reason())
                : new FreezeWindowView(window.from().toString(), window.to().toString(), null, null, null,
                window.reason());
    }
}
