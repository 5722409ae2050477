package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BankIdsTest {
    @Test
    void routingNumbersPassTheAbaChecksumAfterTheirName() {
        String routing = "US_BANK_ROUTING_NUMBER";
        assertThat(Finds.in(routing, "Routing number 021000021")).containsExactly("021000021");
        assertThat(Finds.in(routing, "ABA 121000358, RTN: 322271627")).containsExactly("121000358", "322271627");
        assertThat(Finds.in(routing, "routing number 021000022")).isEmpty();
        assertThat(Finds.in(routing, "021000021")).isEmpty();
        assertThat(Finds.in(routing, "aba 021000021")).isEmpty();
        // Checksum holds, but 13 is no Federal Reserve district.
        assertThat(Finds.in(routing, "routing 130000004")).isEmpty();
    }

    @Test
    void accountNumbersFollowABankAccountWord() {
        String account = "US_BANK_ACCOUNT_NUMBER";
        assertThat(Finds.in(account, "checking account #: 004417392815")).containsExactly("004417392815");
        assertThat(Finds.in(account, "Acct: 7723019945")).containsExactly("7723019945");
        assertThat(Finds.in(account, "AWS account 123456789012")).isEmpty();
        assertThat(Finds.in(account, "Account ID: 123456789012")).isEmpty();
        assertThat(Finds.in(account, "account created 2024-01-05")).isEmpty();
        assertThat(Finds.in(account, "12345678")).isEmpty();
    }

    @Test
    void swiftCodesNeedTheirNameADigitOrTheHeadOfficeBranch() {
        String swift = "SWIFT_CODE";
        assertThat(Finds.in(swift, "SWIFT code: DEUTDEFF")).containsExactly("DEUTDEFF");
        assertThat(Finds.in(swift, "swift/bic: NWBKGB2L")).containsExactly("NWBKGB2L");
        assertThat(Finds.in(swift, "use CHASUS33 or COBADEFFXXX")).containsExactly("CHASUS33", "COBADEFFXXX");
        assertThat(Finds.in(swift, "DEUTSCHLAND DATABASE INTERNAL DEUTDEFF")).isEmpty();
        assertThat(Finds.in(swift, "SWIFT code: DEUTQQFF")).isEmpty();
        assertThat(Finds.in(swift, "I code in Swift; my FAVORITE and CONTRACT")).isEmpty();
    }
}
