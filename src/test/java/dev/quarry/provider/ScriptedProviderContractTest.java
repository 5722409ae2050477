package dev.quarry.provider;

import dev.quarry.canonical.Usage;

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

    @Override
    protected String lastRequestBody() {
        return stub().lastRequest().text();
    }
}
