package dev.quarry.agents.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * V12 on a store already at V11: the built-in ModelAccess policy, as shipped, gains the agents'
 * statements; one an admin has rewritten is left exactly as it is.
 */
class ManagedAgentsMigrationTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theShippedModelAccessGainsTheAgentsStatements(String target) throws SQLException {
        String url = StoreTargets.freshUrl(target);
        migrateTo11(url);
        String before = modelAccess(url);
        assertThat(before).doesNotContain("Agent");
        try (Database db = Database.open(url)) {
            assertThat(db).isNotNull();
        }
        String after = modelAccess(url);
        assertThat(after).startsWith(before.substring(0, before.length() - 2))
                .contains("\"Sid\":\"AgentSessions\"", "quarry:CreateAgentSession", "\"Resource\":\"agent-session/*\"", "\"Sid\":\"SavedAgents\"",
                        "\"Resource\":\"agent/*\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRewrittenModelAccessIsLeftAlone(String target) throws SQLException {
        String url = StoreTargets.freshUrl(target);
        migrateTo11(url);
        String mine = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"quarry:ListModels\",\"Resource\":\"*\"}]}";
        try (Connection c = DriverManager.getConnection(url); PreparedStatement s = c.prepareStatement(
                "UPDATE policies SET document = ? WHERE name = 'ModelAccess'")) {
            s.setString(1, mine);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        try (Database db = Database.open(url)) {
            assertThat(db).isNotNull();
        }
        assertThat(modelAccess(url)).isEqualTo(mine);
    }

    private static void migrateTo11(String url) {
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("11").load().migrate();
    }

    private static String modelAccess(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement s = c.prepareStatement("SELECT document FROM policies WHERE name = 'ModelAccess'");
             ResultSet r = s.executeQuery()) {
            assertThat(r.next()).isTrue();
            return r.getString(1);
        }
    }
}
