package dev.quarry.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Principals, tags and groups, on SQLite and PostgreSQL. */
class PrincipalAdminTest {
    private static final MasterKey MASTER_KEY = MasterKey.generate();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void usersAndServicesJoinTheUsersGroupAndTagsAreKept(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            long before = StoreVersions.read(db, StoreVersions.IDENTITY);
            Principal alice = store.createPrincipal("alice", PrincipalKind.USER, Map.of("team", "search"));
            store.createPrincipal("indexer", PrincipalKind.SERVICE, Map.of());
            store.createPrincipal("runner", PrincipalKind.AGENT, Map.of());

            assertThat(StoreVersions.read(db, StoreVersions.IDENTITY)).isEqualTo(before + 3);
            assertThat(store.groups().get(Groups.USERS).orElseThrow().members()).containsExactly("alice", "indexer");
            assertThat(store.principal("alice").orElseThrow()).isEqualTo(alice);
            assertThat(alice.tags()).containsExactly(Map.entry("team", "search"));

            assertThat(store.tag("alice", Map.of("cost-center", "42", "team", "ads")).tags())
                    .containsExactly(Map.entry("cost-center", "42"), Map.entry("team", "ads"));
            assertThat(store.untag("alice", List.of("team")).tags()).containsExactly(Map.entry("cost-center", "42"));
            assertThat(store.principals()).extracting(Principal::name).containsExactly("alice", "indexer", "runner");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void groupsHoldMembers(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            store.createPrincipal("bo", PrincipalKind.USER, Map.of());
            store.groups().create("search");
            assertThat(store.groups().add("search", "bo").members()).containsExactly("bo");
            assertThat(store.groups().add("search", "bo").members()).as("adding twice changes nothing").containsExactly("bo");

            assertThat(store.groups().remove("search", "bo").members()).isEmpty();
            assertThatThrownBy(() -> store.groups().remove("search", "bo")).hasMessageContaining("'bo' is not a member of group 'search'");

            store.groups().delete("search");
            assertThat(store.groups().list()).extracting(Groups.Group::name).containsExactly("users");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void deletingAPrincipalTakesItsKeysMembershipsAndTrustWithIt(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            IssuedKey key = store.createKey("cy", PrincipalKind.USER);
            store.tag("cy", Map.of("a", "b"));
            store.roles().create("deployer", List.of("cy"), Map.of());

            store.deletePrincipal("cy");

            assertThat(store.principal("cy")).isEmpty();
            assertThat(store.keys().byHash(ApiKeys.hash(key.apiKey()))).isEmpty();
            assertThat(store.groups().get(Groups.USERS).orElseThrow().members()).doesNotContain("cy");
            store.createPrincipal("cy", PrincipalKind.USER, Map.of());
            assertThatThrownBy(() -> store.roles().assume("deployer", "cy", Roles.DEFAULT_SESSION))
                    .as("a new principal of the same name does not inherit the old one's trust").hasMessageContaining("may not assume");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void badNamesDuplicatesAndBuiltInsAreRefusedClearly(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            store.createPrincipal("dee", PrincipalKind.USER, Map.of());

            assertInvalid(() -> store.createPrincipal("dee", PrincipalKind.USER, Map.of()), "already exists");
            assertInvalid(() -> store.createPrincipal("group:x", PrincipalKind.USER, Map.of()), "principal name");
            assertInvalid(() -> store.tag("dee", Map.of("", "v")), "tag key");
            assertInvalid(() -> store.groups().delete(Groups.USERS), "built-in");
            assertInvalid(() -> store.deletePrincipal(BootstrapAdmin.PRINCIPAL), "bootstrap admin");
            assertInvalid(() -> store.roles().create("ops", List.of("group:*"), Map.of()), "group name");
            assertThatThrownBy(() -> store.groups().add("nope", "dee"))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
            assertThatThrownBy(() -> store.deleteRole("dee")).hasMessageContaining("no role named 'dee'");
        }
    }

    private static void assertInvalid(ThrowingCallable call, String saying) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(saying);
        });
    }
}
