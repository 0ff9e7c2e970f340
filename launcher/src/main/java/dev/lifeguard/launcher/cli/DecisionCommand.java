package dev.lifeguard.launcher.cli;

import static dev.lifeguard.launcher.cli.CliSupport.problem;
import static dev.lifeguard.launcher.cli.RollbackServiceClient.encode;
import static dev.lifeguard.launcher.cli.RollbackServiceClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./lifeguard rollback show|approve|reject <id>}: one decision of rollback-service with its explanation and
 * approval, and the answer to an approval request ({@code POST /api/v1/rollbacks/{id}/approve|reject}). Exit codes:
 * 0 done, 1 refused (unknown id, already settled the other way: the problem detail is printed) or unreachable, 2 bad
 * usage.
 */
final class DecisionCommand {

    static final Set<String> ACTIONS = Set.of("show", "approve", "reject");

    static final String USAGE_TEXT = """
            usage: ./lifeguard rollback show <id>
                   ./lifeguard rollback approve <id> [--by NAME] [--reason R]
                   ./lifeguard rollback reject <id> --reason R [--by NAME]

              show     the decision: outcome and rule, reason, the policy and where it came from, the inputs that
                       decided (evidence, storm guard, freeze window, ...), the approval and deploy-service's execution
              approve  answers an approval request (AWAITING_APPROVAL, or HELD): the rollback is executed
              reject   answers it no; --reason is required and told to the team

              --by NAME  who answers, for the record and the team's chat (default: $LIFEGUARD_USER, else $USER):
                         the subject of the operator token the CLI signs; with LIFEGUARD_TOKEN set, its subject
              show needs the role viewer, approve and reject operator (not team-scoped: on-call crosses teams)
              exit 0: done (approving an approved decision again is fine); 1: refused (unknown id, settled the other
              way) or rollback-service unreachable; 2: bad usage
            """;

    private final RollbackServiceClient rollbackService;
    private final Credentials credentials;
    private final String defaultActor;
    private final PrintStream out;
    private final PrintStream err;

    DecisionCommand(String rollbackUrl, Credentials credentials, String defaultActor, PrintStream out, PrintStream err) {
        this.rollbackService = new RollbackServiceClient(rollbackUrl, credentials);
        this.credentials = credentials;
        this.defaultActor = defaultActor;
        this.out = out;
        this.err = err;
    }

    /** @param args {@code show|approve|reject <id> [flags]} */
    int run(List<String> args) {
        CliArgs parsed;
        String actor;
        try {
            parsed = parse(args);
            actor = parsed.help() ? null : credentials.actor("--by", parsed.get("--by"), defaultActor);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.print(USAGE_TEXT);
            return RollbackCommand.USAGE;
        }
        if (parsed.help()) {
            out.print(USAGE_TEXT);
            return RollbackCommand.OK;
        }
        String action = parsed.positional().get(0);
        String id = parsed.positional().get(1);
        try {
            if (action.equals("show")) {
                HttpResponse<String> response = rollbackService.get("/api/v1/rollbacks/" + encode(id),
                        new RollbackServiceClient.As(actor, Roles.VIEWER));
                if (response.statusCode() != 200) {
                    throw new CommandFailed("rollback-service GET /api/v1/rollbacks/" + id + ": " + problem(response));
                }
                DecisionText.lines(json(response)).forEach(out::println);
                return RollbackCommand.OK;
            }
            return answer(action, id, parsed, actor);
        } catch (CommandFailed failed) {
            err.println("✗ " + failed.getMessage());
            return RollbackCommand.FAILED;
        }
    }

    /** The actor is the token's subject: the body no longer names one. */
    private int answer(String action, String id, CliArgs args, String by) {
        ObjectNode body = CliSupport.JSON.createObjectNode();
        if (args.has("--reason")) {
            body.put("reason", args.get("--reason"));
        }
        HttpResponse<String> response = rollbackService.post("/api/v1/rollbacks/" + encode(id) + "/" + action, body,
                new RollbackServiceClient.As(by, Roles.OPERATOR));
        if (response.statusCode() != 200) {
            throw new CommandFailed("rollback-service refused to " + action + " " + id + ": " + problem(response));
        }
        JsonNode decision = json(response);
        boolean approved = action.equals("approve");
        out.println("✓ " + (approved ? "approved" : "rejected") + " " + id + (by == null ? "" : " (by " + by + ")")
                + (approved ? ": deploy-service executes the rollback; follow it with ./lifeguard rollback show " + id
                : ": nothing is rolled back"));
        DecisionText.lines(decision).forEach(line -> out.println("  " + line));
        return RollbackCommand.OK;
    }

    private static CliArgs parse(List<String> args) {
        CliArgs parsed = CliArgs.parse(args, Set.of("--by", "--reason"), Map.of());
        if (parsed.help()) {
            return parsed;
        }
        String action = parsed.positional().get(0);
        if (parsed.positional().size() < 2) {
            throw new IllegalArgumentException(action + " needs a rollback id (see ./lifeguard rollback's output, the"
                    + " team's chat or GET /api/v1/rollbacks)");
        }
        if (parsed.positional().size() > 2) {
            throw new IllegalArgumentException("unexpected argument '" + parsed.positional().get(2) + "'");
        }
        if (action.equals("show") && !parsed.options().isEmpty()) {
            throw new IllegalArgumentException("show takes no option (" + parsed.options().keySet().iterator().next() + ")");
        }
        if (action.equals("reject") && !parsed.has("--reason")) {
            throw new IllegalArgumentException("reject needs --reason: it is recorded and told to the team");
        }
        return parsed;
    }
}
