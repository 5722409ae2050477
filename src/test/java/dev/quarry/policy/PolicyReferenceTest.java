package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wildcard and condition semantics, case by case, against a table written by hand. */
class PolicyReferenceTest {

    @ParameterizedTest(name = "{0} ~ {1} → {2}")
    @CsvSource({
            "quarry:*,                quarry:InvokeModel,                       true",
            "quarry:invoke*,          quarry:InvokeModelWithResponseStream,     true",
            "quarry:InvokeModel,      quarry:InvokeModelWithResponseStream,     false",
            "quarry:Create?ey,        quarry:CreateKey,                         true",
            "*,                       quarry:DeletePolicy,                      true",
            "quarry:Embed,            quarry:embed,                             true",
    })
    void actionPatternsMatchCaseInsensitively(String pattern, String action, boolean expected) {
        assertThat(Wildcard.matches(pattern, action, true)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} → {2}")
    @CsvSource({
            "model/gpt-*,             model/gpt-5.5,                 true",
            "model/gpt-*,             model/GPT-5.5,                 false",
            "model/*,                 model/quarry/echo,             true",
            "model/gpt-5.?,           model/gpt-5.55,                false",
            "model/*-mini,            model/gpt-5.4-mini,            true",
            "model/*a*a*a*a*a*a*b,    model/aaaaaaaaaaaaaaaaaaaaaaa, false",
    })
    void resourcePatternsMatchCaseSensitively(String pattern, String resource, boolean expected) {
        assertThat(Wildcard.matches(pattern, resource, false)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} {2} vs {3} → {4}")
    @CsvSource(delimiter = '|', value = {
            "StringEquals         | quarry:ModelProvider | openai        | openai        | true",
            "StringEquals         | quarry:ModelProvider | openai        | <absent>      | false",
            "StringNotEquals      | quarry:ModelProvider | openai        | <absent>      | true",
            "StringNotEquals      | quarry:ModelProvider | openai        | anthropic     | true",
            "StringLike           | quarry:RequestedRegion | eu-*        | eu-central-1  | true",
            "StringNotLike        | quarry:RequestedRegion | eu-*        | us-east-1     | true",
            "StringEqualsIgnoreCase | quarry:PrincipalTag/team | Search  | search        | true",
            "NumericLessThanEquals | quarry:MaxTokens    | 4096          | 4096          | true",
            "NumericLessThan      | quarry:MaxTokens     | 4096          | 4096          | false",
            "NumericGreaterThan   | quarry:MaxTokens     | 100           | not-a-number  | false",
            "IpAddress            | quarry:SourceIp      | 10.0.0.0/8    | 10.200.3.4    | true",
            "IpAddress            | quarry:SourceIp      | 10.0.0.0/8    | 11.0.0.1      | false",
            "NotIpAddress         | quarry:SourceIp      | 10.0.0.0/8    | 11.0.0.1      | true",
            "IpAddress            | quarry:SourceIp      | 2001:db8::/32 | 2001:db8::1   | true",
            "IpAddress            | quarry:SourceIp      | 2001:db8::/32 | 10.0.0.1      | false",
            "DateLessThan         | quarry:CurrentTime   | 2027-01-01T00:00:00Z | 2026-11-23T12:00:00Z | true",
            "DateGreaterThan      | quarry:CurrentTime   | 2027-01-01T00:00:00Z | 2026-11-23T12:00:00Z | false",
    })
    void conditionsFollowTheTable(String operator, String key, String policyValue, String requestValue, boolean expected) {
        Policy policy = PolicyParser.parse("p", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"quarry:InvokeModel","Resource":"*",
                  "Condition":{"%s":{"%s":"%s"}}}]}""".formatted(operator, key, policyValue));
        Map<String, List<String>> context = requestValue.equals("<absent>") ? Map.of() : Map.of(key, List.of(requestValue));
        var request = new AccessRequest("quarry:InvokeModel", "model/m", context);
        assertThat(PolicyEvaluator.evaluate(request, List.of(policy), Optional.empty()).allowed()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]} | Statement[0].Action[0]: 's3:GetObject' is not a Quarry action",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"quarry:Fly\",\"Resource\":\"*\"}]} | Statement[0].Action[0]: 'quarry:Fly' names no known action",
            "{\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"*\",\"Resource\":\"*\"}]} | Statement[0].Effect: must be \"Allow\" or \"Deny\"",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]} | Statement[0].Resource: is required",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"*\",\"Resource\":\"*\"}]} | Statement[0].NotAction: is not a policy field",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"bucket/x\"}]} | Statement[0].Resource[0]: 'bucket/x' is not a resource",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"quarry:SourceIp\":\"10.0.0.0/99\"}}}]} | prefix length out of range",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"quarry:MaxTokens\":\"10\"}}}]} | quarry:MaxTokens holds number values, which IpAddress cannot test",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceIp\":\"x\"}}}]} | aws:SourceIp: unknown condition key",
            "{\"Statement\":[]} | Statement: a policy needs at least one statement",
            "[1] | a policy is a JSON object",
            "{\"Statement\": | not valid JSON",
    })
    void malformedPoliciesAreRefusedSayingWhere(String document, String message) {
        assertThatThrownBy(() -> PolicyParser.parse("p", document)).isInstanceOf(PolicyException.class).hasMessageContaining(message);
    }

    @org.junit.jupiter.api.Test
    void anOversizedDocumentIsRefused() {
        String huge = "{\"Statement\":[" + "{\"Effect\":\"Allow\",\"Action\":\"quarry:Embed\",\"Resource\":\"*\"},".repeat(400) + "]}";
        assertThatThrownBy(() -> PolicyParser.parse("p", huge)).hasMessageContaining("larger than " + PolicyParser.MAX_BYTES);
    }

    @org.junit.jupiter.api.Test
    void theDecisionNamesTheDecidingStatement() {
        Policy allow = PolicyParser.parse("models", """
                {"Statement":[{"Sid":"UseGpt","Effect":"Allow","Action":"quarry:Invoke*","Resource":"model/gpt-*"}]}""");
        Policy deny = PolicyParser.parse("no-eu", """
                {"Statement":[{"Sid":"NotFromUS","Effect":"Deny","Action":"*","Resource":"*",
                  "Condition":{"StringLike":{"quarry:RequestedRegion":"us-*"}}}]}""");
        var fromEu = new AccessRequest("quarry:InvokeModel", "model/gpt-5.5", Map.of("quarry:RequestedRegion", List.of("eu-west-1")));
        var fromUs = new AccessRequest("quarry:InvokeModel", "model/gpt-5.5", Map.of("quarry:RequestedRegion", List.of("us-east-1")));
        Decision allowed = PolicyEvaluator.evaluate(fromEu, List.of(allow, deny), Optional.empty());
        assertThat(allowed.explain(fromEu)).isEqualTo("quarry:InvokeModel on model/gpt-5.5 is allowed by statement 'UseGpt' of policy 'models'.");
        Decision denied = PolicyEvaluator.evaluate(fromUs, List.of(allow, deny), Optional.empty());
        assertThat(denied.explain(fromUs)).contains("denied by statement 'NotFromUS' of policy 'no-eu'");
        var other = new AccessRequest("quarry:InvokeModel", "model/claude-sonnet-4-5", Map.of());
        assertThat(PolicyEvaluator.evaluate(other, List.of(allow), Optional.empty()).explain(other)).contains("no policy attached");
    }
}
