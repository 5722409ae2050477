package dev.quarry.policy;

/**
 * IAM's wildcard match: {@code *} matches any run of characters (also none), {@code ?} exactly
 * one; everything else literally. Iterative with backtracking to the last star, so hostile
 * patterns ({@code *a*a*a*…}) stay linear-ish instead of exponential.
 */
final class Wildcard {
    private Wildcard() {}

    static boolean matches(String pattern, String text, boolean ignoreCase) {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b);
    }
}
