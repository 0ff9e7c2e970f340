package dev.lifeguard.support.security;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTest {

    @Test
    void teamsAreReadFromAJsonArrayAListOrASeparatedString() {
        assertThat(Caller.teamsOf(Json.createArrayBuilder().add("payments").add("search").build()))
                .containsExactly("payments", "search");
        assertThat(Caller.teamsOf(List.of("payments", "search"))).containsExactly("payments", "search");
        assertThat(Caller.teamsOf("payments, search")).containsExactly("payments", "search");
        assertThat(Caller.teamsOf(Json.createValue("payments search"))).containsExactly("payments", "search");
        assertThat(Caller.teamsOf(null)).isEmpty();
        assertThat(Caller.teamsOf(42)).isEmpty();
    }

    @Test
    void higherRolesIncludeLowerOnesButOperatorIsNotCi() {
        assertThat(Roles.includedIn(Roles.ADMIN)).containsExactlyInAnyOrder(Roles.OPERATOR, Roles.CI, Roles.VIEWER);
        assertThat(Roles.includedIn(Roles.OPERATOR)).containsExactly(Roles.VIEWER);
        assertThat(Roles.includedIn(Roles.CI)).containsExactly(Roles.VIEWER);
        assertThat(Roles.includedIn(Roles.VIEWER)).isEmpty();
        assertThat(Roles.includedIn("root")).isEmpty();
    }
}
