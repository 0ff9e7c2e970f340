package dev.lifeguard.launcher.cli;

import static dev.lifeguard.launcher.cli.CliSupport.firstSet;
import static dev.lifeguard.launcher.cli.CliSupport.problem;
import static dev.lifeguard.launcher.cli.DecisionText.text;
import static dev.lifeguard.launcher.cli.DecisionText.value;
import static dev.lifeguard.launcher.cli.RollbackServiceClient.encode;
import static dev.lifeguard.launcher.cli.RollbackServiceClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./lifeguard policy get|set|delete|effective}: rollback-service's decision policies
 * ({@code /api/v1/policies/environments/{environment}} and {@code /api/v1/policies/services/{service}/environments/
 * {environment}}), and the effective policy of a service with the origin of each value. Exit codes: 0 done, 1 refused
 * by rollback-service (its problem detail is printed, with the field it names) or unreachable, 2 bad usage.
 */
public final class PolicyCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** The flags of {@code set}, each with the body field it fills; kept in the order people read them. */
    static final Map<String, String> FIELD_FLAGS = fieldFlags();
    /** What rollback-service adds to a stored policy; a file saved from {@code get --json} carries them. */
    static final Set<String> READ_ONLY_FIELDS = Set.of("version", "updatedAt", "updatedBy", "environment", "service",
            "scope");
    /** Every field of the effective policy, in the order they are printed, with what the default comes from. */
    private static final Map<String, String> EFFECTIVE_FIELDS = effectiveFields();
    private static final Set<String> ACTIONS = Set.of("get", "set", "delete", "effective");

    static final String USAGE_TEXT = """
            usage: ./lifeguard policy get|set|delete --environment E [--service S] [options]
                   ./lifeguard policy effective --service S --environment E

              get        the stored policy of E (environment-wide) or of S in E (the service's override); --json
                         prints it as rollback-service answers
              set        stores it (replaces the whole policy: a field left out inherits from the environment's
                         policy, else the default); from --file policy.json and/or these flags (a flag wins over the file):
                --mode auto|approval|notify-only|off    --on-inconclusive rollback|hold|ignore
                --cooldown 30m                          --max-rollbacks-per-hour N   (environment-wide only)
                --dry-run true|false                    --approval-timeout 15m
                --on-approval-timeout rollback|hold     --escalation-team TEAM      --max-depth 1..5
                --file policy.json (any field, e.g. freezeWindows: [{"from","to"}] or
                                    [{"cron": "0 18 * * FRI", "duration": "PT62H", "zone": "Europe/Paris"}])
              delete     removes it: the service inherits from the environment again, the environment the defaults
              effective  the policy that decides for S in E, each value with where it comes from

              --team T   set / delete a policy of team T as its operator (the token the CLI signs: role operator,
                         team T); set stores team T in the policy. Without --team (and no "team" in --file) the
                         policy is the platform's: set and delete need the role admin. get and effective: viewer
              --by NAME  who changes it, for the record (default: $LIFEGUARD_USER, else $USER): the token's subject;
                         with LIFEGUARD_TOKEN set, that token's subject
              exit 0: done; 1: refused by rollback-service (the field and why are printed) or unreachable; 2: bad usage
              LIFEGUARD_ROLLBACK_URL (default http://localhost:$LIFEGUARD_ROLLBACK_PORT, 8083) names rollback-service.
            """;

    private final RollbackServiceClient rollbackService;
    private final Credentials credentials;
    private final String defaultActor;
    private final PrintStream out;
    private final PrintStream err;

    PolicyCommand(String rollbackUrl, Credentials credentials, String defaultActor, PrintStream out, PrintStream err) {
        this.rollbackService = new RollbackServiceClient(rollbackUrl, credentials);
        this.credentials = credentials;
        this.defaultActor = defaultActor;
        this.out = out;
        this.err = err;
    }

    public static PolicyCommand fromEnvironment(Map<String, String> environment, PlatformSettings settings,
                                                PrintStream out, PrintStream err) {
        return new PolicyCommand(
                firstSet(environment.get(RollbackCommand.ROLLBACK_URL_VARIABLE), settings.serviceUrl(LifeguardService.ROLLBACK)),
                Credentials.fromEnvironment(environment, settings.keysDirectory()),
                firstSet(environment.get(RollbackCommand.USER_VARIABLE), environment.get("USER")), out, err);
    }

    /** @param args what follows {@code policy} on the command line */
    public int run(List<String> args) {
        Request request;
        try {
            request = Request.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (request == null) {
            out.print(USAGE_TEXT);
            return OK;
        }
        try {
            return switch (request.action()) {
                case "get" -> get(request);
                case "set" -> set(request);
                case "delete" -> delete(request);
                default -> effective(request);
            };
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            return USAGE;
        } catch (CommandFailed failed) {
            err.println("✗ " + failed.getMessage());
            return FAILED;
        }
    }

    private int get(Request request) {
        HttpResponse<String> response = rollbackService.get(request.path(), reader(request));
        if (response.statusCode() != 200) {
            throw new CommandFailed("rollback-service has no policy for " + request.scopeName() + ": " + problem(response));
        }
        JsonNode policy = json(response);
        if (request.args().has("--json")) {
            out.println(policy.toPrettyString());
        } else {
            printStored("policy of " + request.scopeName(), policy);
        }
        return OK;
    }

    private int set(Request request) {
        ObjectNode body = request.body();
        String team = body.path("team").isTextual() ? body.path("team").asText() : null;
        HttpResponse<String> response = rollbackService.put(request.path(), body, writer(request, team));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new CommandFailed("rollback-service refused the policy of " + request.scopeName() + ": "
                    + problem(response));
        }
        JsonNode stored = json(response);
        printStored("✓ policy of " + request.scopeName() + (response.statusCode() == 201 ? " created" : " replaced"),
                stored);
        if (request.service() != null) {
            out.println("  see what decides now: ./lifeguard policy effective --service " + request.service()
                    + " --environment " + request.environment());
        }
        return OK;
    }

    private int delete(Request request) {
        HttpResponse<String> response = rollbackService.delete(request.path(), writer(request, request.args().get("--team")));
        if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw new CommandFailed("rollback-service did not delete the policy of " + request.scopeName() + ": "
                    + problem(response));
        }
        out.println("✓ policy of " + request.scopeName() + " deleted: "
                + (request.service() == null ? "its services inherit the defaults unless they have their own"
                : request.service() + " inherits " + request.environment() + "'s policy, else the defaults"));
        return OK;
    }

    /**
     * The merged policy, each value with its origin: the service's row when it sets the field, else the
     * environment's, else the default; freeze windows are the union of both rows'.
     */
    private int effective(Request request) {
        HttpResponse<String> response = rollbackService.get("/api/v1/policies/effective?service="
                + encode(request.service()) + "&environment=" + encode(request.environment()), reader(request));
        if (response.statusCode() != 200) {
            throw new CommandFailed("rollback-service did not give the effective policy of " + request.scopeName()
                    + ": " + problem(response));
        }
        JsonNode effective = json(response);
        if (request.args().has("--json")) {
            out.println(effective.toPrettyString());
            return OK;
        }
        JsonNode environmentRow = storedOrNull("/api/v1/policies/environments/" + encode(request.environment()), request);
        JsonNode serviceRow = storedOrNull("/api/v1/policies/services/" + encode(request.service()) + "/environments/"
                + encode(request.environment()), request);
        out.println("effective policy of " + request.scopeName() + ": " + DecisionText.sources(effective.path("sources")));
        for (Map.Entry<String, String> field : EFFECTIVE_FIELDS.entrySet()) {
            String name = field.getKey();
            out.println(String.format("  %-20s %-24s %s", name, value(effective.path(name)),
                    origin(name, field.getValue(), request, environmentRow, serviceRow)));
        }
        for (Iterator<String> names = effective.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("sources") && !EFFECTIVE_FIELDS.containsKey(name)) {
                out.println(String.format("  %-20s %s", name, value(effective.path(name))));
            }
        }
        return OK;
    }

    /** Reading needs the role viewer; a team's policy is visible to its members only (--team). */
    private RollbackServiceClient.As reader(Request request) {
        String actor = credentials.actor("--by", request.args().get("--by"), defaultActor);
        return request.args().has("--team")
                ? new RollbackServiceClient.As(actor, Roles.VIEWER, request.args().get("--team"))
                : new RollbackServiceClient.As(actor, Roles.VIEWER);
    }

    /**
     * Changing a team's policy needs the role operator of that team, the platform's (no team) admin: the token the
     * CLI signs says exactly that.
     */
    private RollbackServiceClient.As writer(Request request, String team) {
        String actor = credentials.actor("--by", request.args().get("--by"), defaultActor);
        return team == null ? new RollbackServiceClient.As(actor, Roles.ADMIN)
                : new RollbackServiceClient.As(actor, Roles.OPERATOR, team);
    }

    private static String origin(String field, String fallback, Request request, JsonNode environmentRow,
                                 JsonNode serviceRow) {
        String environmentSource = environmentRow == null ? null
                : "environment " + request.environment() + " v" + text(environmentRow, "version", "?");
        String serviceSource = serviceRow == null ? null
                : "service " + request.service() + "/" + request.environment() + " v" + text(serviceRow, "version", "?");
        boolean inService = serviceRow != null && serviceRow.has(field) && !serviceRow.path(field).isNull();
        boolean inEnvironment = environmentRow != null && environmentRow.has(field) && !environmentRow.path(field).isNull();
        if (field.equals("freezeWindows")) {
            List<String> from = new ArrayList<>();
            if (inEnvironment && !environmentRow.path(field).isEmpty()) {
                from.add(environmentSource);
            }
            if (inService && !serviceRow.path(field).isEmpty()) {
                from.add(serviceSource);
            }
            return from.isEmpty() ? "← " + fallback : "← " + String.join(" + ", from) + " (union)";
        }
        if (inService) {
            return "← " + serviceSource;
        }
        return "← " + (inEnvironment ? environmentSource : fallback);
    }

    /** A stored policy, or null when there is none (404). */
    private JsonNode storedOrNull(String path, Request request) {
        HttpResponse<String> response = rollbackService.get(path, reader(request));
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new CommandFailed("rollback-service GET " + path + ": " + problem(response));
        }
        return json(response);
    }

    private void printStored(String headline, JsonNode policy) {
        out.println(headline + ": version " + text(policy, "version", "?") + ", updated "
                + text(policy, "updatedAt", "?") + " by " + text(policy, "updatedBy", "?"));
        boolean any = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = policy.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (READ_ONLY_FIELDS.contains(field.getKey()) || field.getKey().equals("by")) {
                continue;
            }
            any = true;
            if (field.getKey().equals("freezeWindows") && field.getValue().isArray() && !field.getValue().isEmpty()) {
                out.println("  freezeWindows:");
                field.getValue().forEach(window -> out.println("    - " + DecisionText.freezeWindow(window)));
            } else {
                out.println(String.format("  %-20s %s", field.getKey() + ":", value(field.getValue())));
            }
        }
        if (!any) {
            out.println("  (no field set: everything is inherited)");
        }
    }

    private static Map<String, String> fieldFlags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--mode", "mode");
        flags.put("--on-inconclusive", "onInconclusive");
        flags.put("--cooldown", "cooldown");
        flags.put("--max-rollbacks-per-hour", "maxRollbacksPerHour");
        flags.put("--dry-run", "dryRun");
        flags.put("--approval-timeout", "approvalTimeout");
        flags.put("--on-approval-timeout", "onApprovalTimeout");
        flags.put("--escalation-team", "escalationTeam");
        flags.put("--max-depth", "maxDepth");
        return flags;
    }

    private static Map<String, String> effectiveFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("mode", "default");
        fields.put("onInconclusive", "default");
        fields.put("cooldown", "default");
        fields.put("maxRollbacksPerHour", "default");
        fields.put("freezeWindows", "default");
        fields.put("dryRun", "default");
        fields.put("approvalTimeout", "default (lifeguard.rollback.approval-timeout)");
        fields.put("onApprovalTimeout", "default");
        fields.put("escalationTeam", "default (lifeguard.rollback.escalation-team)");
        fields.put("maxDepth", "default");
        return fields;
    }

    /** The command line, checked: a known action, the scope, and for {@code set} the body. */
    record Request(String action, String environment, String service, CliArgs args) {

        private static final Set<String> FLAGS = flags();

        /** @return null for {@code --help} */
        static Request parse(List<String> arguments) {
            if (arguments.isEmpty()) {
                throw new IllegalArgumentException("which action: get, set, delete or effective?");
            }
            if (arguments.contains("--help") || arguments.contains("-h")) {
                return null;
            }
            String action = arguments.get(0);
            if (!ACTIONS.contains(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "'; one of delete, effective, get, set");
            }
            List<String> rest = new ArrayList<>(arguments.subList(1, arguments.size()));
            // --json is a switch: give it a value for the parser
            int json = rest.indexOf("--json");
            if (json >= 0) {
                rest.add(json + 1, "true");
            }
            CliArgs args = CliArgs.parse(rest, FLAGS, Map.of("--env", "--environment"));
            if (!args.positional().isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + args.positional().get(0) + "'");
            }
            String environment = args.require("--environment", "a policy is environment-wide or a service's in an"
                    + " environment");
            String service = args.get("--service");
            if (action.equals("effective") && service == null) {
                throw new IllegalArgumentException("missing --service (effective shows what decides for one service"
                        + " in one environment)");
            }
            if (!action.equals("set")) {
                for (String flag : args.options().keySet()) {
                    if (FIELD_FLAGS.containsKey(flag) || flag.equals("--file")) {
                        throw new IllegalArgumentException(flag + " goes with set only");
                    }
                }
            }
            if (args.has("--json") && !Set.of("get", "effective").contains(action)) {
                throw new IllegalArgumentException("--json goes with get and effective only");
            }
            Request request = new Request(action, environment, service, args);
            if (action.equals("set")) {
                request.body();
            }
            return request;
        }

        String path() {
            return service == null ? "/api/v1/policies/environments/" + encode(environment)
                    : "/api/v1/policies/services/" + encode(service) + "/environments/" + encode(environment);
        }

        String scopeName() {
            return service == null ? "environment " + environment : service + " in " + environment;
        }

        /** The PUT body: the file's fields (without what rollback-service adds), then the flags over them. */
        ObjectNode body() {
            ObjectNode body = args.has("--file") ? file(Path.of(args.get("--file"))) : CliSupport.JSON.createObjectNode();
            READ_ONLY_FIELDS.forEach(body::remove);
            for (Map.Entry<String, String> flag : FIELD_FLAGS.entrySet()) {
                if (!args.has(flag.getKey())) {
                    continue;
                }
                String field = flag.getValue();
                switch (field) {
                    case "maxRollbacksPerHour" -> body.put(field, args.integer(flag.getKey(), 1, 1_000_000));
                    case "maxDepth" -> body.put(field, args.integer(flag.getKey(), 1, 5));
                    case "dryRun" -> body.put(field, args.bool(flag.getKey()));
                    default -> body.put(field, args.get(flag.getKey()));
                }
            }
            if (args.has("--team")) {
                body.put("team", args.get("--team"));
            }
            if (body.isEmpty() || (body.size() == 1 && body.has("team"))) {
                throw new IllegalArgumentException("nothing to set: give --mode, another field flag or --file"
                        + " (./lifeguard policy delete removes a policy)");
            }
            return body;
        }

        private static ObjectNode file(Path file) {
            JsonNode content;
            try {
                content = CliSupport.JSON.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("--file " + file + ": cannot read it as JSON (" + e.getMessage()
                        .lines().findFirst().orElse("") + ")");
            }
            if (content == null || !content.isObject()) {
                throw new IllegalArgumentException("--file " + file + " must hold a JSON object such as"
                        + " {\"mode\": \"approval\", \"approvalTimeout\": \"15m\"}");
            }
            return (ObjectNode) content;
        }

        private static Set<String> flags() {
            Set<String> flags = new java.util.HashSet<>(FIELD_FLAGS.keySet());
            flags.addAll(Set.of("--environment", "--service", "--file", "--by", "--team", "--json"));
            return Set.copyOf(flags);
        }
    }
}
