package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"jane.doe@example.com", "raj.patel+billing@acme-corp.co.uk", "TOM_99@Gmail.COM",
            "k.nakamura@u-tokyo.ac.jp", "alerts@ops.eu-west-1.example.net", "name(at)example.com", "name [at] example.com",
            "\u0430lice@example.com", "alice@ex\u0430mple.com", "j\u00FCrgen.schmidt@example.com", "alice@b\u00FCcher.de",
            "alice@example\u3002com", "alice @ example.com", "alice[at]example[dot]com", "alice (at) example (dot) com",
            "\u0441\u0435\u0440\u0433\u0435\u0439@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444"})
    void findsEmailAddresses(String email) {
        assertThat(Finds.in("EMAIL", "write to <" + email + ">.")).containsExactly(email);
    }

    @ParameterizedTest
    @ValueSource(strings = {"@Override", "icon@2x.png", "npm i @types/node@20.11.5", "5@3.99", "a..b@example.com",
            "x@-example.com", "user@localhost", "[a-z]+@[a-z]+\\.[a-z]{2,}",
            "lunch @ noon.tomorrow", "tickets (at) the.venue", "\u8054\u7CFB\u6211@\u5FAE\u4FE1\u3002\u8C22\u8C22"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThat(Finds.in("EMAIL", text)).isEmpty();
    }

    @Test
    void theUserAndPasswordOfAUrlAreNotAnEmailAddressButAnAddressInItsPathIs() {
        assertThat(Finds.in("EMAIL", "curl https://deploy:gh7Kq2pX@artifacts.acme.io/x")).isEmpty();
        assertThat(Finds.in("EMAIL", "postgres://app:Tr0ub4dor&3@db.internal:5432/prod")).isEmpty();
        assertThat(Finds.in("EMAIL", "GET /api/users/jane.doe@example.com HTTP/1.1")).containsExactly("jane.doe@example.com");
    }

    @Test
    void findsUrlsWithoutTheSentenceAroundThem() {
        assertThat(Finds.in("URL", "See https://docs.quarry.dev/pii?lang=en#types.")).containsExactly("https://docs.quarry.dev/pii?lang=en#types");
        assertThat(Finds.in("URL", "[here](https://github.com/acme/widgets/issues/42).")).containsExactly("https://github.com/acme/widgets/issues/42");
        assertThat(Finds.in("URL", "(https://en.wikipedia.org/wiki/Luhn_(algorithm))")).containsExactly("https://en.wikipedia.org/wiki/Luhn_(algorithm)");
        assertThat(Finds.in("URL", "get it from www.example.org/files/report.pdf, then")).containsExactly("www.example.org/files/report.pdf");
        assertThat(Finds.in("URL", "backup at s3://acme-backups/2024/db.tar.gz")).containsExactly("s3://acme-backups/2024/db.tar.gz");
        assertThat(Finds.in("URL", "\"url\":\"ftp://ftp.gnu.org/gnu/\"")).containsExactly("ftp://ftp.gnu.org/gnu/");
        assertThat(Finds.in("URL", "See quarry.dev/docs for setup")).containsExactly("quarry.dev/docs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/var/log/nginx/access.log", "config.yaml and main.py", "std::vector", "node.js/express",
            "http is a protocol", "www.", "https://", "and/or", "mailto:hr@globex.io"})
    void rejectsPathsFilesAndFragments(String text) {
        assertThat(Finds.in("URL", text)).isEmpty();
    }
}
