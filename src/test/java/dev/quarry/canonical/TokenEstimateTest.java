package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {
    @Test
    void englishRunsAtFourCharactersAToken() {
        assertThat(TokenEstimate.of("")).isZero();
        assertThat(TokenEstimate.of("abcd")).isEqualTo(1);
        assertThat(TokenEstimate.of("abcde")).isEqualTo(2);
        assertThat(TokenEstimate.of("The quick brown fox jumps over the lazy dog")).isEqualTo(11);
        assertThat(TokenEstimate.of("The quick brown fox jumps over the lazy dog.")).as("a full stop is a token").isEqualTo(12);
    }

    /** Shapes of ASCII that tokenizers split far finer than prose (measured with cl100k and o200k: up to 4x chars/4). */
    @Test
    void asciiThatTokenizersSplitFinelyIsEstimatedAtItsCost() {
        String spacedDigits = "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3";
        assertThat(TokenEstimate.of(spacedDigits)).as("a digit and a space before a digit are tokens each").isEqualTo(spacedDigits.length());
        assertThat(TokenEstimate.of("123456789012")).as("numbers go in groups of three digits").isEqualTo(4);
        String controls = "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008";
        assertThat(TokenEstimate.of(controls)).isEqualTo(controls.length());
        String punctuation = "!@#$%^&*()_+{}|:<>?~";
        assertThat(TokenEstimate.of(punctuation)).isEqualTo(punctuation.length());
        String base64 = "aGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dA==";
        assertThat(TokenEstimate.of(base64)).as("case turns and digits split base64").isGreaterThanOrEqualTo(base64.length() / 2);
    }

    @Test
    void providerSpecificFieldsSuchAsSchemasCount() {
        ChatRequest plain = ChatRequest.of("m", java.util.List.of(Message.user("hi")));
        String description = "word ".repeat(1_000);
        ChatRequest withSchema = new ChatRequest("m", java.util.List.of(), plain.messages(), java.util.List.of(), null, null,
                java.util.Map.of("response_format", java.util.Map.of("type", "json_schema",
                        "json_schema", java.util.Map.of("schema", java.util.Map.of("description", description)))));
        assertThat(TokenEstimate.of(withSchema) - TokenEstimate.of(plain)).isGreaterThanOrEqualTo(TokenEstimate.of(description));
    }

    /** Real byte-level BPE tokenizers spend about a token on each of these characters, or more. */
    @Test
    void scriptsThatTokenizersSpendMoreOnAreEstimatedAtLeastAtTheirCost() {
        String chinese = "我们今天在公园里散步，天气很好。";
        assertThat(TokenEstimate.of(chinese)).isGreaterThanOrEqualTo(chinese.length());
        String japanese = "きょうはいいてんきですね、カタカナも。";
        assertThat(TokenEstimate.of(japanese)).isGreaterThanOrEqualTo(japanese.length());
        String korean = "오늘은 날씨가 좋습니다";
        assertThat(TokenEstimate.of(korean)).isGreaterThanOrEqualTo(korean.replace(" ", "").length());
        String hindi = "आज मौसम बहुत अच्छा है";
        assertThat(TokenEstimate.of(hindi)).isGreaterThanOrEqualTo(hindi.length());
        String thai = "วันนี้อากาศดีมาก";
        assertThat(TokenEstimate.of(thai)).isGreaterThanOrEqualTo(thai.length());
        String russian = "Сегодня хорошая погода";
        assertThat(TokenEstimate.of(russian)).isGreaterThanOrEqualTo(russian.length() / 2);
        String emoji = "🙂🚀🎉🔥";
        assertThat(TokenEstimate.of(emoji)).isGreaterThanOrEqualTo(2L * emoji.codePointCount(0, emoji.length()));
    }

    @Property
    void noTextIsEstimatedBelowEnglishsRate(@ForAll String text) {
        assertThat(TokenEstimate.of(text)).isGreaterThanOrEqualTo((text.length() + 3) / 4);
    }

    /** A byte-level tokenizer never spends more than a token a byte, so neither does the estimate (beyond rounding). */
    @Property
    void noTextIsEstimatedAboveATokenAByte(@ForAll String text) {
        long utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(TokenEstimate.of(text)).isLessThanOrEqualTo(Math.max(1, utf8));
    }

    /** A stream billed from its deltas costs what the same text would have cost whole, to within a token per cut. */
    @Property
    void aTallyOfPiecesIsTheEstimateOfTheWholeWithinATokenPerCut(@ForAll String text, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 50) int cut) {
        int at = Math.min(cut, text.length());
        var tally = new TokenEstimate.Tally();
        tally.add(text.substring(0, at));
        tally.add(text.substring(at));
        assertThat(tally.tokens()).isBetween(TokenEstimate.of(text) - 1, TokenEstimate.of(text) + 2);
    }

    /** A binary document is a page (3,000 tokens) per 50 KB begun; a text document is its text. */
    @Test
    void documentsAreEstimatedByThePageOrAsTheirText() {
        assertThat(documentTokens(new byte[1])).isEqualTo(3_000);
        assertThat(documentTokens(new byte[50_000])).isEqualTo(3_000);
        assertThat(documentTokens(new byte[50_001])).isEqualTo(6_000);
        String text = "The quick brown fox jumps over the lazy dog";
        assertThat(estimate(Documents.text(DocumentType.TEXT, text, "data", null, "title"))).isEqualTo(estimate(new ContentBlock.Text(text)));
    }

    /**
     * A text PDF takes a few KB a page: its page objects count when there are more of them than 50 KB blocks, so a
     * short report is not reserved as one page. The page tree ({@code /Pages}) is no page.
     */
    @Test
    void aPdfIsAtLeastAPagePerPageObject() {
        var pdf = new StringBuilder("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count 70 >>\nendobj\n");
        for (int i = 0; i < 70; i++) {
            pdf.append(i + 3).append(i % 2 == 0 ? " 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n" : " 0 obj\n<</Type/Page/Parent 2 0 R>>\nendobj\n");
        }
        assertThat(documentTokens(pdf.toString().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(70 * 3_000);
    }

    private static long documentTokens(byte[] bytes) {
        return estimate(new ContentBlock.Document(DocumentType.PDF, Base64.getEncoder().encodeToString(bytes), null))
                - estimate(new ContentBlock.CachePoint());
    }

    private static long estimate(ContentBlock block) {
        return TokenEstimate.of(ChatRequest.of("m", List.of(new Message(Role.USER, List.of(block)))));
    }
}
