package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.ChangeWatcher;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The in-memory authorizer: fresh within a second of a change made by another process, and no store read per decision. */
class PolicyDirectoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aChangeMadeThroughOneInstanceIsInForceInAnotherWithinASecond(String target) {
        String url = StoreTargets.freshUrl(target);
        try (Database nodeA = Database.open(url); Database nodeB = Database.open(url);
             ChangeWatcher watcherB = new ChangeWatcher(nodeB, ChangeWatcher.INTERVAL)) {
            PolicyDirectory directoryB = new PolicyDirectory(new PolicyStore(nodeB, Clock.systemUTC()));
            watcherB.onChange(StoreVersions.POLICY, directoryB::reload);
            Principal dana = new IdentityStore(nodeA, MasterKey.generate()).createKey("dana", PrincipalKind.USER).principal();
            AccessRequest gpt = PolicyStoreTest.invoke("gpt-5.5");
            assertThat(directoryB.decide(dana.id(), gpt).allowed()).isTrue();

            PolicyStore storeA = new PolicyStore(nodeA, Clock.systemUTC());
            storeA.put("NoGpt", PolicyStoreTest.DENY_GPT);
            storeA.attach("NoGpt", PolicyTarget.principal("dana"));
            assertWithinASecond(() -> !directoryB.decide(dana.id(), gpt).allowed());

            storeA.detach("NoGpt", PolicyTarget.principal("dana"));
            assertWithinASecond(() -> directoryB.decide(dana.id(), gpt).allowed());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void decisionsAreServedFromMemoryAndANewPrincipalIsLoadedAtOnce(String target) {
        Database db = Database.open(StoreTargets.freshUrl(target));
        IdentityStore identities = new IdentityStore(db, MasterKey.generate());
        PolicyDirectory directory = new PolicyDirectory(new PolicyStore(db, Clock.systemUTC()));
        // Created after the directory loaded, and used at once: no waiting for the next poll.
        Principal erin = identities.createKey("erin", PrincipalKind.USER).principal();
        assertThat(directory.decide(erin.id(), PolicyStoreTest.invoke("quarry/echo")).allowed()).isTrue();

        db.close();

        assertThat(directory.decide(erin.id(), PolicyStoreTest.invoke("quarry/echo")).decidedBy()).isEqualTo("ModelAccess/InvokeModels");
    }

    private static void assertWithinASecond(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("not in force within a second").isLessThan(deadline);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
