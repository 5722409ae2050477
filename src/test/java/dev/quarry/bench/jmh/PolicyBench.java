package dev.quarry.bench.jmh;

import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Actions;
import dev.quarry.policy.ConditionKey;
import dev.quarry.policy.Decision;
import dev.quarry.policy.Policy;
import dev.quarry.policy.PolicyEvaluator;
import dev.quarry.policy.PolicyParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * Deciding an InvokeModel request for a principal with five attached policies (its own and its
 * groups', 13 statements with action and resource wildcards and string, numeric, IP and date
 * conditions) inside a permission boundary. The request is allowed, so the evaluator scans every
 * Deny statement, then the Allows up to the one that matches (in the fourth policy), then the
 * boundary. {@link #decideInvokeModel} also builds the {@link AccessRequest} from the caller's
 * condition keys as the authorize step does per deployment; {@link #evaluateOnly} reuses one.
 * ({@code PolicySnapshot.decide}, which gathers the attached policies, is package-private: the
 * public {@link PolicyEvaluator#evaluate} is measured with the list already gathered.)
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyBench extends Microbenchmark {
    List<Policy> identity;
    Optional<Policy> boundary;
    Map<String, List<String>> caller;
    AccessRequest request;

    @Setup
    public void setUp() {
        identity = List.of(
                PolicyParser.parse("DenyPreviewAndHugeOutputs", """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"NoPreviews","Effect":"Deny","Action":"quarry:Invoke*","Resource":["model/*-preview","model/*-experimental*"]},
                      {"Sid":"CapOutput","Effect":"Deny","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream"],"Resource":"*",
                       "Condition":{"NumericGreaterThan":{"quarry:MaxTokens":"16384"}}},
                      {"Sid":"NoAdminFromKeys","Effect":"Deny","Action":["quarry:Create*","quarry:Delete*","quarry:Put*"],"Resource":"*",
                       "Condition":{"StringEquals":{"quarry:PrincipalType":"SERVICE"}}}]}"""),
                PolicyParser.parse("EuResidency", """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"StayInEu","Effect":"Deny","Action":["quarry:InvokeModel*","quarry:Embed"],"Resource":"model/*",
                       "Condition":{"StringNotLike":{"quarry:DeploymentRegion":["eu-*","europe-*"]}}},
                      {"Sid":"OfficeNetworkOnly","Effect":"Deny","Action":"quarry:*","Resource":"*",
                       "Condition":{"NotIpAddress":{"quarry:SourceIp":["10.0.0.0/8","192.168.0.0/16","2001:db8::/32"]}}}]}"""),
                PolicyParser.parse("EmbeddingsForEveryone", """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"Embed","Effect":"Allow","Action":["quarry:Embed","quarry:CountTokens","quarry:ListModels"],"Resource":"*"},
                      {"Sid":"SmallModels","Effect":"Allow","Action":"quarry:InvokeModel*","Resource":["model/*-mini","model/*-nano","model/quarry/*"]}]}"""),
                PolicyParser.parse("SearchTeamFrontierModels", """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"OpenAiForPlatform","Effect":"Allow","Action":"quarry:InvokeModel*","Resource":"model/gpt-*",
                       "Condition":{"StringEquals":{"quarry:PrincipalTag/team":"platform"}}},
                      {"Sid":"ClaudeForSearch","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream"],
                       "Resource":["model/claude-*","model/anthropic.*"],
                       "Condition":{"StringEqualsIgnoreCase":{"quarry:PrincipalTag/team":["Search","Ranking"]},
                                    "StringLike":{"quarry:ModelProvider":["anthropic*","bedrock*"]},
                                    "DateLessThan":{"quarry:CurrentTime":"2027-01-01T00:00:00Z"},
                                    "IpAddress":{"quarry:SourceIp":["10.20.0.0/16","10.30.0.0/16"]}}}]}"""),
                PolicyParser.parse("ReadOnlyAdmin", """
                    {"Version":"2012-10-17","Statement":[
                      {"Sid":"Read","Effect":"Allow","Action":["quarry:Get*","quarry:List*"],"Resource":"*"},
                      {"Sid":"Reports","Effect":"Allow","Action":["quarry:ReadUsage","quarry:ReadBudget"],"Resource":"*",
                       "Condition":{"StringEquals":{"quarry:PrincipalTag/role":"lead"}}},
                      {"Sid":"Simulate","Effect":"Allow","Action":"quarry:SimulatePolicy","Resource":"principal/*"}]}"""));
        boundary = Optional.of(PolicyParser.parse("ModelBoundary", """
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"ModelCalls","Effect":"Allow","Action":["quarry:Invoke*","quarry:Embed","quarry:CountTokens","quarry:ListModels"],"Resource":"model/*",
                   "Condition":{"StringLike":{"quarry:ModelProvider":["openai*","anthropic*","bedrock*","azure*"]},
                                "NumericLessThanEquals":{"quarry:MaxTokens":"32768"}}},
                  {"Sid":"ReadAnything","Effect":"Allow","Action":["quarry:Get*","quarry:List*"],"Resource":"*"}]}"""));

        caller = new HashMap<>();
        caller.put(ConditionKey.PRINCIPAL_NAME.keyName(), List.of("alice"));
        caller.put(ConditionKey.PRINCIPAL_TYPE.keyName(), List.of("USER"));
        caller.put(ConditionKey.tag("team"), List.of("search"));
        caller.put(ConditionKey.tag("cost-center"), List.of("cc-4711"));
        caller.put(ConditionKey.CURRENT_TIME.keyName(), List.of("2026-03-02T09:15:00.123456Z"));
        caller.put(ConditionKey.SOURCE_IP.keyName(), List.of("10.20.3.4"));
        request = accessRequest();
        Decision decision = evaluateOnly();
        if (!decision.allowed() || !"SearchTeamFrontierModels/ClaudeForSearch".equals(decision.decidedBy())) {
            throw new IllegalStateException("the benchmark request should be allowed by ClaudeForSearch: " + decision);
        }
    }

    /** The caller's keys plus the deployment's, as {@code AuthorizeStep.request} builds them. */
    private AccessRequest accessRequest() {
        Map<String, List<String>> keys = new HashMap<>(caller);
        keys.put(ConditionKey.MODEL_PROVIDER.keyName(), List.of("anthropic"));
        keys.put(ConditionKey.DEPLOYMENT_REGION.keyName(), List.of("eu-central-1"));
        keys.put(ConditionKey.MODEL_FAMILY.keyName(), List.of("claude"));
        keys.put(ConditionKey.MAX_TOKENS.keyName(), List.of("4096"));
        return new AccessRequest(Actions.INVOKE_MODEL_STREAM, "model/claude-sonnet-4-5", keys);
    }

    @Benchmark
    public Decision decideInvokeModel() {
        return PolicyEvaluator.evaluate(accessRequest(), identity, boundary);
    }

    @Benchmark
    public Decision evaluateOnly() {
        return PolicyEvaluator.evaluate(request, identity, boundary);
    }
}
