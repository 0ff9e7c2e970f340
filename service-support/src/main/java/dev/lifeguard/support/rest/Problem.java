package dev.lifeguard.support.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The RFC 9457 body; {@code field} is Lifeguard's extension member naming the offending input. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
