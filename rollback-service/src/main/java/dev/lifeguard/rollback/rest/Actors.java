package dev.lifeguard.rollback.rest;

import dev.lifeguard.support.rest.ProblemException;
import dev.lifeguard.support.security.Caller;

/**
 * Whoever acts is the token's subject. Fields that used to name the actor ({@code by}, {@code requestedBy}, the
 * {@code X-Lifeguard-User} header) stay optional for old clients, but may only repeat the subject: a caller cannot
 * act in someone else's name.
 */
final class Actors {

    static final int MAX_SUBJECT_LENGTH = 200;

    private Actors() {
    }

    /**
     * The subject, after checking each declared actor: a given, non-blank {@code declared[i]} (named {@code
     * fields[i]}) must equal it, else 400 naming that field.
     */
    static String subject(Caller caller, String[] fields, String... declared) {
        String subject = caller.subject();
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            // stored as who acted (updatedBy, requestedBy, settledBy): refused rather than cut, so it names one person
            throw new ProblemException(400, "Bad Request", "the token's subject is longer than " + MAX_SUBJECT_LENGTH
                    + " characters", null);
        }
        for (int i = 0; i < declared.length; i++) {
            String name = declared[i];
            if (name != null && !name.isBlank() && !name.trim().equals(subject)) {
                throw ProblemException.invalidField(fields[i], "field '" + fields[i] + "' must name you if given: the"
                        + " actor is your token's subject '" + subject + "'");
            }
        }
        return subject;
    }
}
