package dev.lifeguard.launcher.cli;

import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TokenMinter;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./lifeguard token --role R [--team T]... [--ttl 1h] [--subject S]}: prints a bearer token the local
 * platform's services accept, signed with its key in {@code <home>/keys/} (created when missing, as {@code up} does).
 * Only the token goes to standard output, so that {@code export LIFEGUARD_TOKEN=$(./lifeguard token --role operator)}
 * works; what it grants goes to standard error. {@code ./lifeguard keys} only creates the keys and says where they
 * are (for {@code docker compose}). Exit codes: 0 printed, 2 bad usage.
 */
public final class TokenCommand {

    static final int OK = 0;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: ./lifeguard token --role viewer|ci|operator|admin [--team T]... [--ttl 1h] [--subject NAME]
                   ./lifeguard keys

              token  prints a bearer token for the local platform's services (RS256, issuer lifeguard-local),
                     signed with the key in .lifeguard/keys/ (./lifeguard up creates it once and keeps it):
                       export LIFEGUARD_TOKEN=$(./lifeguard token --role operator --team payments)
                       curl -H "Authorization: Bearer $LIFEGUARD_TOKEN" http://localhost:8083/api/v1/rollbacks
              --role     viewer (read), ci (report deployments, test evidence, metrics), operator (roll back,
                         approve / reject, promote / pause / resume / abort / override; its teams' objects),
                         admin (everything); a higher role includes the lower ones
              --team T   a team the token's holder belongs to (repeat it for several); team-owned objects
                         (targets, policies, analysis specs, subscriptions) are visible to their team only
              --ttl D    lifetime, e.g. 30m, 8h (default 1h, at most 24h)
              --subject  who acts, recorded as the actor of every change (default: $LIFEGUARD_USER, else $USER)
              keys   creates the keys if missing and prints where they are (never their content)
            """;

    private final Path keysDirectory;
    private final String defaultSubject;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    TokenCommand(Path keysDirectory, String defaultSubject, PrintStream out, PrintStream err, Clock clock) {
        this.keysDirectory = keysDirectory;
        this.defaultSubject = defaultSubject;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static TokenCommand fromEnvironment(Map<String, String> environment, PlatformSettings settings,
                                               PrintStream out, PrintStream err) {
        return new TokenCommand(settings.keysDirectory(), CliSupport.firstSet(
                environment.get(RollbackCommand.USER_VARIABLE), environment.get("USER"), "local-user"), out, err,
                Clock.systemUTC());
    }

    /** @param args what follows {@code token} */
    public int run(List<String> args) {
        TokenMinter.Grant grant;
        try {
            grant = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("✗ " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (grant == null) {
            out.print(USAGE_TEXT);
            return OK;
        }
        LocalKeys keys = LocalKeys.ensure(keysDirectory);
        Instant now = clock.instant();
        out.println(TokenMinter.mint(keys.privateKey(), grant, now));
        err.println("token for " + grant.subject() + ": role " + grant.role() + ", teams "
                + (grant.teams().isEmpty() ? "none" : String.join(", ", grant.teams().stream().sorted().toList()))
                + ", valid until " + now.plus(grant.ttl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " (signed with " + keys.privateKeyFile() + ")");
        return OK;
    }

    /** {@code ./lifeguard keys}: creates them when missing; prints their paths, never their content. */
    public int keys() {
        LocalKeys keys = LocalKeys.ensure(keysDirectory);
        out.println("local keys in " + keys.directory() + " (directory and secrets readable by you only):");
        out.println("  " + keys.publicKeyFile() + "   the services verify tokens with it"
                + " (MP_JWT_VERIFY_PUBLICKEY_LOCATION)");
        out.println("  " + keys.privateKeyFile() + "  ./lifeguard token and the CLI sign with it");
        out.println("  " + keys.directory().resolve(LocalKeys.SECRETS_KEY_FILE) + "       the services' "
                + LocalKeys.SECRETS_KEY_VARIABLE + " (also as " + LocalKeys.SECRETS_ENV_FILE + " for docker compose)");
        return OK;
    }

    /** @return null for {@code --help} */
    TokenMinter.Grant parse(List<String> args) {
        String role = null;
        String subject = null;
        Duration ttl = TokenMinter.DEFAULT_TTL;
        Set<String> teams = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            }
            if (!Set.of("--role", "--team", "--ttl", "--subject").contains(flag)) {
                throw new IllegalArgumentException(flag.startsWith("--") ? "unknown option " + flag
                        : "unexpected argument '" + arg + "'");
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            value = value.trim();
            switch (flag) {
                case "--role" -> {
                    if (role != null) {
                        throw new IllegalArgumentException("--role is given twice: a token has one role (the higher"
                                + " ones include the lower)");
                    }
                    if (!Roles.ALL.contains(value)) {
                        throw new IllegalArgumentException("unknown role '" + value + "': one of "
                                + String.join(", ", Roles.ALL));
                    }
                    role = value;
                }
                case "--team" -> teams.add(value);
                case "--ttl" -> ttl = TokenMinter.parseTtl(value);
                default -> subject = value;
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("missing --role: one of " + String.join(", ", Roles.ALL));
        }
        return new TokenMinter.Grant(subject != null ? subject : defaultSubject, role, teams, ttl);
    }
}
