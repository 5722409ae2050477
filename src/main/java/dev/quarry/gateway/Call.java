package dev.quarry.gateway;

/**
 * What a request asks of Quarry, as policy authorizes and the audit trail records it: a model
 * operation (chat, embed), run down the model pipeline, or a call on the platform itself (listing
 * models, counting tokens, feedback, ApplyGuardrail, assuming a role, every admin action), run
 * down the platform pipeline. Both pipelines are built from the same steps.
 */
public sealed interface Call permits Operation, PlatformCall {
    /** The policy action it is authorized and audited as. */
    String action();
}
