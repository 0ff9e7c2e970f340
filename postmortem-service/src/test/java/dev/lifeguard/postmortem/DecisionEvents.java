package dev.lifeguard.postmortem;

/**
 * rollback-service's decision events of a chain, from the golden examples: the decision AWAITING_APPROVAL, its
 * approval request, approval, rejection, timeout (escalated, then held), a held, a dry-run and an automatic decision,
 * a storm-guard trip, and the rollback request and rollback that follow an approval. All about decision
 * {@code rollback-0004}; each variant has an event id of its own.
 */
public final class DecisionEvents {

    public static final String DECIDED = ChainScenario.DECIDED;

    private DecisionEvents() {
    }

    /** 10:01:22, rule mode-approval. */
    public static String awaitingApproval(ChainScenario chain) {
        return chain.event(DECIDED, "");
    }

    /** 10:01:22, deadline 10:16:22. */
    public static String approvalRequested(ChainScenario chain) {
        return chain.event(ChainScenario.APPROVAL_REQUESTED, "");
    }

    /** 10:04:10 by alice, "error rate is real, go". */
    public static String approved(ChainScenario chain) {
        return chain.event(DECIDED, ".approved");
    }

    /** 10:20:00 by alice: the decision held after its approval timed out, approved after all. */
    public static String approvedAfterTimeout(ChainScenario chain) {
        return chain.event(DECIDED, ".approved", example -> withId(example, "0013", "00a7")
                .replace("2026-11-26T10:04:10Z", "2026-11-26T10:20:00Z")
                .replace("\"previousDecision\": \"AWAITING_APPROVAL\"", "\"previousDecision\": \"HELD\""));
    }

    /** 10:04:10 by bob, "false alarm: a load test". */
    public static String rejected(ChainScenario chain) {
        return chain.event(DECIDED, ".approved", example -> withId(example, "0013", "00a1")
                .replace("\"decision\": \"APPROVED\"", "\"decision\": \"REJECTED\"")
                .replace("\"settledBy\": \"alice\"", "\"settledBy\": \"bob\"")
                .replace("\"settleReason\": \"error rate is real, go\"", "\"settleReason\": \"false alarm:\\na load test\"")
                .replace("\"rule\": \"approved\"", "\"rule\": \"rejected\"")
                .replaceFirst("(?m)\"reason\": \"approved by alice.*$",
                        "\"reason\": \"rejected by bob: checkout 2.0.0 is not rolled back\","));
    }

    /** 10:01:22, rule mode-notify-only. */
    public static String held(ChainScenario chain) {
        return chain.event(DECIDED, ".held");
    }

    /** 10:01:22, rule dry-run, would have been ROLL_BACK. */
    public static String dryRun(ChainScenario chain) {
        return chain.event(DECIDED, ".held", example -> withId(example, "0014", "00a2")
                .replace("\"decision\": \"HELD\"", "\"decision\": \"DRY_RUN\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"dry-run\"")
                .replace("\"wouldBe\": null", "\"wouldBe\": \"ROLL_BACK\"")
                .replaceFirst("(?m)\"reason\": \"policy production v3 is notify-only.*$",
                        "\"reason\": \"dry run: would have rolled checkout 2.0.0 back to 1.0.0 because error_rate"
                                + " above 0.05\","));
    }

    /** 10:01:22, rule mode-auto: the decision a rollback-requested entry already tells. */
    public static String rollBack(ChainScenario chain) {
        return chain.event(DECIDED, ".held", example -> withId(example, "0014", "00a3")
                .replace("\"decision\": \"HELD\"", "\"decision\": \"ROLL_BACK\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"mode-auto\"")
                .replaceFirst("(?m)\"reason\": \"policy production v3 is notify-only.*$",
                        "\"reason\": \"policy production v3: roll back automatically (mode auto) to 1.0.0\","));
    }

    /** 10:16:23: nobody answered, escalated to sre-leads, then hold. */
    public static String escalated(ChainScenario chain) {
        return chain.event(ChainScenario.ESCALATED, "");
    }

    /** 10:16:23: AWAITING_APPROVAL became HELD, settled by the timeout. */
    public static String heldAfterTimeout(ChainScenario chain) {
        return chain.event(DECIDED, ".held", example -> withId(example, "0014", "00a4")
                .replace("2026-11-26T10:01:22Z", "2026-11-26T10:16:23Z")
                .replace("\"previousDecision\": null", "\"previousDecision\": \"AWAITING_APPROVAL\"")
                .replace("\"settledBy\": null", "\"settledBy\": \"timeout\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"approval-timeout\"")
                .replaceFirst("(?m)\"reason\": \"policy production v3 is notify-only.*$",
                        "\"reason\": \"nobody answered the approval within PT15M: escalated to sre-leads; held\","));
    }

    /** 10:01:22: 5 automatic rollbacks within PT1H, limit 5. */
    public static String guardTripped(ChainScenario chain) {
        return chain.event(ChainScenario.GUARD_TRIPPED, "");
    }

    /** 10:04:10: the approved decision's rollback request. */
    public static String approvedRollbackRequested(ChainScenario chain) {
        return chain.event(ChainScenario.ROLLBACK_REQUESTED, "", example -> withId(example, "0004", "00a5")
                .replace("2026-11-26T10:01:22Z", "2026-11-26T10:04:10Z")
                .replace("\"decision\": \"ROLL_BACK\"", "\"decision\": \"APPROVED\"")
                .replace("\"rule\": \"mode-auto\"", "\"rule\": \"approved\"")
                .replaceFirst("(?m)\"reason\": \"no policy for checkout.*$",
                        "\"reason\": \"approved by alice: roll checkout 2.0.0 back to 1.0.0\","));
    }

    /** 10:04:30: the rollback after the approval. */
    public static String rolledBackAfterApproval(ChainScenario chain) {
        return chain.event(ChainScenario.ROLLEDBACK, "", example -> example
                .replace("7d1c0e2a-0005-4c1b-9a40-000000000005", "7d1c0e2a-0005-4c1b-9a40-0000000000a6")
                .replace("2026-11-26T10:01:23Z", "2026-11-26T10:04:30Z"));
    }

    public static String id(String event) {
        return ChainScenario.json(event).path("id").asText();
    }

    /** The example's event id 9b3f1d22-NNNN-... with another 12-digit tail: another event. */
    private static String withId(String example, String number, String newTail) {
        return example.replace("9b3f1d22-" + number + "-4a6c-b1e2-00000000" + number,
                "9b3f1d22-" + number + "-4a6c-b1e2-00000000" + newTail);
    }
}
