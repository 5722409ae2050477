package dev.quarry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract kit for providers whose stub is a {@link ScriptedStub}: the stub answers every hook. */
public abstract class ScriptedProviderContractTest extends ProviderContractTest {

    /** The stub the provider under test is pointed at. */
    protected abstract ScriptedStub stub();

    @Override
    protected void script(UpstreamScript script) {
        stub().then(script);
    }

    @Override
    protected int framesBeforeHangUp() {
        return stub().framesBeforeHangUp();
    }

    @Override
    protected Usage scriptedUsage() {
        return stub().usage();
    }

    @Test
    public void answersReadToTheirEndLeaveTheConnectionForTheNextCall() {
        answerWithText("First.");
        Fold.of(provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("One."))))));
        answerWithText("Second.");
        Fold.of(provider().stream(call(ChatRequest.of(MODEL, List.of(Message.user("Two."))))));

        List<StubServer.Request> requests = stub().requests();
        assertThat(requests.getLast().clientPort()).as("the second call came over the first call's connection")
                .isEqualTo(requests.get(requests.size() - 2).clientPort());
    }

    @Override
    protected String lastRequestBody() {
        return stub().lastRequest().text();
    }
}
