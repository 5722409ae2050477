package dev.quarry.guardrails.detect;

import java.text.Bidi;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A text in the order its characters are shown, for a text with explicit bidi controls. Inside a
 * right-to-left override, "\u202E7646 3430 8841 9354\u202C" shows a reader the card number
 * 4539 1488 0343 6467, which the text holds backwards: a detector must see both orders. A find in
 * the shown order stands for characters scattered through the text, so it is reported as the
 * whole stretch from the control that opened their run to the one that closed it.
 */
final class DisplayOrder {
    private final CharSequence original;
    /** Which character of the original each shown character is. */
    private final int[] logical;
    private final String shown;

    private DisplayOrder(CharSequence original, int[] logical) {
        this.original = original;
        this.logical = logical;
        StringBuilder shown = new StringBuilder(logical.length);
        for (int i : logical) shown.append(original.charAt(i));
        this.shown = shown.toString();
    }

    /** Whether the text has a control that can show its characters in an order other than the one it holds them in. */
    static boolean reorders(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (isOpener(text.charAt(i))) return true;
        }
        return false;
    }

    /**
     * The finds {@code finder} makes in the shown order of {@code text}, as stretches of the text,
     * added to {@code found} where they do not overlap it.
     */
    static List<Detection> withShownFinds(Function<NormalisedText, List<Detection>> finder, CharSequence text, List<Detection> found) {
        DisplayOrder order = of(text);
        List<Detection> all = new ArrayList<>(found);
        for (Detection d : finder.apply(NormalisedText.of(order.shown))) all.add(order.toOriginal(d));
        return Detection.withoutOverlaps(all);
    }

    private static DisplayOrder of(CharSequence text) {
        Bidi bidi = new Bidi(text.toString(), Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT);
        int runs = bidi.getRunCount();
        byte[] levels = new byte[runs];
        Integer[] visual = new Integer[runs];
        for (int r = 0; r < runs; r++) {
            levels[r] = (byte) bidi.getRunLevel(r);
            visual[r] = r;
        }
        Bidi.reorderVisually(levels, 0, visual, 0, runs);
        int[] logical = new int[text.length()];
        int k = 0;
        for (int r : visual) {
            int start = bidi.getRunStart(r);
            int limit = bidi.getRunLimit(r);
            boolean rightToLeft = (bidi.getRunLevel(r) & 1) == 1;
            for (int i = 0; i < limit - start; i++) logical[k++] = rightToLeft ? limit - 1 - i : start + i;
        }
        return new DisplayOrder(text, logical);
    }

    /**
     * The stretch of the original a find in the shown text stands for: from the control that
     * opened the run its characters are in to the one that closed it (or the end of the line),
     * or just from its first to its last character where no control reordered them.
     */
    private Detection toOriginal(Detection shownFind) {
        int low = Integer.MAX_VALUE;
        int high = -1;
        for (int i = shownFind.start(); i < shownFind.end(); i++) {
            low = Math.min(low, logical[i]);
            high = Math.max(high, logical[i]);
        }
        int opener = low;
        while (opener >= 0 && !isOpener(original.charAt(opener)) && !(opener < low && isCloser(original.charAt(opener)))) opener--;
        if (opener < 0 || !isOpener(original.charAt(opener))) return new Detection(shownFind.type(), low, high + 1);
        int end = high + 1;
        while (end < original.length() && original.charAt(end) != '\n' && !isCloser(original.charAt(end - 1))) end++;
        return new Detection(shownFind.type(), opener, end);
    }

    /** LRE, RLE, LRO, RLO, and the isolates LRI, RLI, FSI. */
    private static boolean isOpener(char c) {
        return c >= '\u202A' && c <= '\u202E' && c != '\u202C' || c >= '\u2066' && c <= '\u2068';
    }

    /** PDF and PDI. */
    private static boolean isCloser(char c) {
        return c == '\u202C' || c == '\u2069';
    }
}
