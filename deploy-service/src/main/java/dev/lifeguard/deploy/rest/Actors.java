package dev.lifeguard.deploy.rest;

import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;

/**
 * Who acted is the token's subject, never a name the request declares. Fields that used to declare the actor
 * ({@code by}, the {@code X-Lifeguard-User} header) are still accepted so existing clients keep working, but only
 * when they name the subject: anything else is refused, so nobody records an action in someone else's name.
 */
final class Actors {

    private Actors() {
    }

    /** Refuses (400 naming {@code field}) a declared actor that is not the caller's subject; null or blank passes. */
    static void requireSubject(Caller caller, String field, String declared) {
        if (declared == null || declared.isBlank()) {
            return;
        }
        if (!declared.trim().equals(caller.subject())) {
            throw ProblemException.invalidField(field, "'" + field + "' names someone else: the actor is your token's"
                    + " subject '" + caller.subject() + "'; leave '" + field + "' out");
        }
    }
}
