package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The evaluator's laws, over random policies and requests. */
class PolicyEvaluatorPropertiesTest {

    @Property
    void anExplicitDenyAlwaysWins(@ForAll("policies") List<Policy> policies, @ForAll("requests") AccessRequest request,
                                  @ForAll("maybeBoundary") Optional<Policy> boundary) {
        List<Policy> withDeny = new ArrayList<>(policies);
        withDeny.add(new Policy("deny-all", List.of(new Statement("no", Effect.DENY, List.of("*"), List.of("*"), List.of()))));
        Decision decision = PolicyEvaluator.evaluate(request, withDeny, boundary);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo(Decision.Reason.EXPLICIT_DENY);
    }

    @Property
    void withoutAnAllowEverythingIsDenied(@ForAll("policies") List<Policy> policies, @ForAll("requests") AccessRequest request) {
        List<Policy> denyOnly = policies.stream()
                .map(p -> new Policy(p.name(), p.statements().stream().filter(s -> s.effect() == Effect.DENY).toList()))
                .toList();
        assertThat(PolicyEvaluator.evaluate(request, denyOnly, Optional.empty()).allowed()).isFalse();
    }

    @Property
    void allowedMeansSomeIdentityAllowNoDenyAndInsideTheBoundary(@ForAll("policies") List<Policy> policies,
                                                                @ForAll("requests") AccessRequest request,
                                                                @ForAll("maybeBoundary") Optional<Policy> boundary) {
        Decision decision = PolicyEvaluator.evaluate(request, policies, boundary);
        boolean identityAllows = matching(policies, request, Effect.ALLOW);
        boolean anyDeny = matching(policies, request, Effect.DENY) || boundary.map(b -> matching(List.of(b), request, Effect.DENY)).orElse(false);
        boolean boundaryAllows = boundary.map(b -> matching(List.of(b), request, Effect.ALLOW)).orElse(true);
        assertThat(decision.allowed()).isEqualTo(identityAllows && !anyDeny && boundaryAllows);
        if (decision.allowed()) assertThat(decision.policy()).isNotNull();
    }

    @Property
    void wildcardMatchingAgreesWithARegularExpression(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
        String regex = pattern.chars().mapToObj(c -> switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf((char) c));
        }).reduce("", String::concat);
        assertThat(Wildcard.matches(pattern, text, false)).isEqualTo(text.matches(regex));
    }

    private static boolean matching(List<Policy> policies, AccessRequest request, Effect effect) {
        return policies.stream().flatMap(p -> p.statements().stream())
                .anyMatch(s -> s.effect() == effect && PolicyEvaluator.applies(s, request));
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab*?").ofMaxLength(6);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("ab").ofMaxLength(6);
    }

    @Provide
    Arbitrary<AccessRequest> requests() {
        return Combinators.combine(
                Arbitraries.of(Actions.INVOKE_MODEL, Actions.INVOKE_MODEL_STREAM, Actions.EMBED, "quarry:CreateKey"),
                Arbitraries.of("model/gpt-5.5", "model/claude-sonnet-4-5", "model/quarry/echo", "principal/alice"),
                Arbitraries.of("eu-west-1", "us-east-1"),
                Arbitraries.integers().between(1, 10_000))
                .as((action, resource, region, maxTokens) -> new AccessRequest(action, resource, Map.of(
                        "quarry:RequestedRegion", List.of(region), "quarry:MaxTokens", List.of(String.valueOf(maxTokens)))));
    }

    @Provide
    Arbitrary<List<Policy>> policies() {
        return policy().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Optional<Policy>> maybeBoundary() {
        return policy().optional();
    }

    private Arbitrary<Policy> policy() {
        return statement().list().ofMinSize(1).ofMaxSize(3).map(statements -> new Policy("p", statements));
    }

    private Arbitrary<Statement> statement() {
        Arbitrary<List<Condition>> conditions = Arbitraries.of(
                List.<Condition>of(),
                List.of(new Condition(ConditionOperator.STRING_LIKE, "quarry:RequestedRegion", List.of("eu-*"))),
                List.of(new Condition(ConditionOperator.NUMERIC_LESS_THAN_EQUALS, "quarry:MaxTokens", List.of("4096"))));
        return Combinators.combine(
                Arbitraries.of(Effect.values()),
                Arbitraries.of("*", "quarry:*", "quarry:Invoke*", Actions.EMBED, "quarry:Create?ey"),
                Arbitraries.of("*", "model/*", "model/gpt-*", "principal/*", "model/quarry/echo"),
                conditions)
                .as((effect, action, resource, condition) -> new Statement("s", effect, List.of(action), List.of(resource), condition));
    }
}
