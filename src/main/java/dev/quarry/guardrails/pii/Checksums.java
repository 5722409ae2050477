package dev.quarry.guardrails.pii;

/** The check digits of the numbers detected: what separates a real number from one of its shape. */
final class Checksums {
    private Checksums() {}

    /** Luhn (mod 10): card numbers, Canadian SINs. */
    static boolean luhn(CharSequence digits) {
        int sum = 0;
        for (int i = digits.length() - 1, n = 0; i >= 0; i--, n++) {
            int d = digits.charAt(i) - '0';
            if (n % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** GS1 (EAN-13, GTIN-14, ISBN-13): from the right, the check digit and every other digit weigh 1, the rest 3; the sum is 0 mod 10. */
    static boolean gtin(CharSequence digits) {
        int sum = 0;
        for (int i = digits.length() - 1, n = 0; i >= 0; i--, n++) sum += (digits.charAt(i) - '0') * (n % 2 == 1 ? 3 : 1);
        return sum % 10 == 0;
    }

    /** ISO 13616: the IBAN with its first four characters moved to the end, letters as 10..35, is 1 mod 97. */
    static boolean ibanMod97(CharSequence iban) {
        int rest = 0;
        for (int i = 0; i < iban.length(); i++) {
            int value = Character.digit(iban.charAt((i + 4) % iban.length()), 36);
            if (value < 0) return false;
            rest = (value > 9 ? rest * 100 + value : rest * 10 + value) % 97;
        }
        return rest == 1;
    }

    /** ABA routing number: 3, 7, 1 weights repeating, sum a multiple of 10. */
    static boolean aba(CharSequence digits) {
        int[] weights = {3, 7, 1};
        int sum = 0;
        for (int i = 0; i < 9; i++) sum += weights[i % 3] * (digits.charAt(i) - '0');
        return sum % 10 == 0;
    }

    /** NHS number: weights 10..2 on the first nine digits, 11 minus the remainder (11 reads 0, 10 is never issued). */
    static boolean nhs(CharSequence digits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) sum += (10 - i) * (digits.charAt(i) - '0');
        int check = 11 - sum % 11;
        if (check == 11) check = 0;
        return check != 10 && check == digits.charAt(9) - '0';
    }

    /** UK UTR: the first digit checks the other nine (weights 6,7,8,9,10,5,4,3,2, mod 11 through a table). */
    static boolean utr(CharSequence digits) {
        int[] weights = {6, 7, 8, 9, 10, 5, 4, 3, 2};
        int sum = 0;
        for (int i = 0; i < 9; i++) sum += weights[i] * (digits.charAt(i + 1) - '0');
        return "21987654321".charAt(sum % 11) == digits.charAt(0);
    }

    /** VIN (49 CFR 565): letters transliterated, weighted, mod 11 at position 9 ('X' for 10). */
    static boolean vin(CharSequence vin) {
        int[] weights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        // Transliteration of A..Z; I, O and Q never occur in a VIN.
        String letters = "12345678-12345-7-923456789";
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            char c = vin.charAt(i);
            int value = c <= '9' ? c - '0' : letters.charAt(c - 'A') - '0';
            sum += weights[i] * value;
        }
        int check = sum % 11;
        return vin.charAt(8) == (check == 10 ? 'X' : (char) ('0' + check));
    }
}
