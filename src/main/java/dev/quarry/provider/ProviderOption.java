package dev.quarry.provider;

import java.util.List;
import java.util.Optional;

/**
 * A setting one type of provider reads from its configuration entry, beyond those every provider
 * has ({@code name}, {@code type}, {@code base_url}, {@code api_key_env}, the timeouts). The
 * configuration refuses a value its option does not accept, so a provider meets only good ones.
 */
public sealed interface ProviderOption {
    /**
     * {@code whole_answers: true}: a client that does not stream has the upstream asked for the whole
     * answer in one body instead of a stream folded (cheaper to read). Off by default: such an attempt
     * is bounded by the request's whole time budget rather than the attempt time-out, an answer that
     * outlasts it is cut and metered as nothing, and its time teaches least-latency routing nothing.
     */
    OneOf WHOLE_ANSWERS = new OneOf("whole_answers", List.of("true", "false"));

    /** Whether these settings turn {@link #WHOLE_ANSWERS} on. */
    static boolean wholeAnswers(ProviderSettings settings) {
        return "true".equals(settings.option(WHOLE_ANSWERS.name(), "false"));
    }

    String name();

    /** What is wrong with a value given for this option, in words that follow its path; empty when it is fine. */
    Optional<String> problem(String value);

    /** Free text, such as a region or the name of an environment variable. */
    record Text(String name) implements ProviderOption {
        @Override
        public Optional<String> problem(String value) {
            return value.isBlank() ? Optional.of("must be a non-empty string") : Optional.empty();
        }
    }

    /** A whole number from 1 up, such as a default output limit. */
    record PositiveNumber(String name) implements ProviderOption {
        @Override
        public Optional<String> problem(String value) {
            return parse(value) > 0 ? Optional.empty() : Optional.of("must be a positive whole number, got \"" + value + "\"");
        }

        /**
         * The option's value in these settings, or {@code fallback} when it is unset.
         *
         * @throws IllegalArgumentException naming the provider when the value is no positive whole number
         */
        public int in(ProviderSettings settings, int fallback) {
            String value = settings.option(name, null);
            if (value == null) return fallback;
            problem(value).ifPresent(problem -> {
                throw new IllegalArgumentException("provider '" + settings.name() + "' option " + name + " " + problem);
            });
            return parse(value);
        }

        private static int parse(String value) {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /** One of a few words, such as which upstream API to call. */
    record OneOf(String name, List<String> choices) implements ProviderOption {
        public OneOf {
            choices = List.copyOf(choices);
        }

        @Override
        public Optional<String> problem(String value) {
            return choices.contains(value) ? Optional.empty() : Optional.of("must be one of " + choices + ", got \"" + value + "\"");
        }
    }
}
