package dev.quarry.guardrails;

import dev.quarry.guardrails.GuardedText.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds that run across neighbouring texts of a conversation: a card number split over two
 * content parts or two messages, each piece too short to be found alone. The conversation's texts
 * are read joined twice, directly (a split inside a value: {@code "alice@"}, {@code "example.com"})
 * and with a space (a split that lets the break stand for a separator: {@code "4111 1111"},
 * {@code "1111 1111"}). Only the text around each join is read, as far as one find can reach
 * ({@link Guard#holdBack}), so a long conversation costs a few hundred characters a join, not
 * the whole prompt again; neighbouring joins closer than that are read as one window. A find kept
 * here covers at least two texts: one within a single text is the per-text check's business.
 */
final class SplitFinds {
    private static final List<String> JOINERS = List.of("", " ");

    /**
     * A find across texts.
     *
     * @param finding as read in the joined text (its match includes the joiner)
     * @param pieces  its piece in each text it covers, by the text's index: the first takes the
     *                placeholder, the others are {@linkplain Hit#continuation continuations}
     */
    record Split(Finding finding, Map<Integer, Hit> pieces) {}

    private SplitFinds() {}

    /**
     * @param reach the most characters one find can cover
     * @param scan  the pattern policies' finds in a text
     */
    static List<Split> find(List<GuardedText> texts, int reach, Function<CharSequence, List<Hit>> scan) {
        List<Integer> joined = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) if (texts.get(i).kind() == Kind.CONVERSATION) joined.add(i);
        if (joined.size() < 2 || reach == 0) return List.of();
        List<Split> splits = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String joiner : JOINERS) {
            Joined all = Joined.of(texts, joined, joiner);
            int k = 1;
            while (k < joined.size()) {
                int from = Math.max(0, all.starts[k] - joiner.length() - reach);
                int to = Math.min(all.text.length(), all.starts[k] + reach);
                while (k + 1 < joined.size() && all.starts[k + 1] - joiner.length() - reach < to) {
                    k++;
                    to = Math.min(all.text.length(), all.starts[k] + reach);
                }
                k++;
                String window = all.text.substring(from, to);
                for (Hit hit : scan.apply(window)) {
                    Map<Integer, Hit> pieces = all.pieces(hit, from, joined);
                    if (pieces.size() >= 2 && seen.add(hit.detection().type() + pieces.values().stream().map(p -> p.start() + "-" + p.end()).toList()
                            + pieces.keySet())) {
                        splits.add(new Split(hit.finding(window), pieces));
                    }
                }
            }
        }
        return splits;
    }

    /** The conversation's texts joined, and where each starts in the join. */
    private record Joined(String text, int[] starts, int[] ends) {
        static Joined of(List<GuardedText> texts, List<Integer> joined, String joiner) {
            StringBuilder all = new StringBuilder();
            int[] starts = new int[joined.size()];
            int[] ends = new int[joined.size()];
            for (int k = 0; k < joined.size(); k++) {
                if (k > 0) all.append(joiner);
                starts[k] = all.length();
                all.append(texts.get(joined.get(k)).text());
                ends[k] = all.length();
            }
            return new Joined(all.toString(), starts, ends);
        }

        /** A find in the window that starts at {@code from}, cut into its piece in each text it covers. */
        Map<Integer, Hit> pieces(Hit hit, int from, List<Integer> joined) {
            int start = from + hit.start();
            int end = from + hit.end();
            Map<Integer, Hit> pieces = new LinkedHashMap<>();
            for (int k = firstEndingAfter(start); k < starts.length && starts[k] < end; k++) {
                int s = Math.max(start, starts[k]);
                int e = Math.min(end, ends[k]);
                if (s < e) pieces.put(joined.get(k), hit.piece(s - starts[k], e - starts[k], !pieces.isEmpty()));
            }
            return pieces;
        }

        private int firstEndingAfter(int offset) {
            int low = 0;
            int high = ends.length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (ends[mid] <= offset) low = mid + 1;
                else high = mid;
            }
            return low;
        }
    }
}
