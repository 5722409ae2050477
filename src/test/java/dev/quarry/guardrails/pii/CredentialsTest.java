package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {
    private static final String SECRET = "575yx8xm5MslfY5ubiheyEd7P4zDL+ak6J0kGODK";

    @ParameterizedTest
    @ValueSource(strings = {"AKIAXI4VICB6WTCBE6ET", "ASIAUIEE4XCIVWF6E2B7", "AROABTF6BOH77QAXTJMK", "AIDAJQABLZS4A3QDU576"})
    void findsAccessKeyIds(String key) {
        assertThat(Finds.in("AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID=" + key)).containsExactly(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AKIAXI4VICB6WTCBE6E", "AKIAXI4VICB6WTCBE6ETX", "AKIAXI4VICB6WTCBE6E1", "XKIAXI4VICB6WTCBE6ET",
            "akiaxi4vicb6wtcbe6et"})
    void rejectsKeysOfTheWrongLengthAlphabetOrPrefix(String key) {
        assertThat(Finds.in("AWS_ACCESS_KEY", "key " + key)).isEmpty();
    }

    @Test
    void aSecretKeyNeedsItsLabelOrAnAccessKeyBeforeIt() {
        assertThat(Finds.in("AWS_SECRET_KEY", "aws_secret_access_key = " + SECRET)).containsExactly(SECRET);
        assertThat(Finds.in("AWS_SECRET_KEY", "AWS_SECRET_ACCESS_KEY=" + SECRET)).containsExactly(SECRET);
        assertThat(Finds.in("AWS_SECRET_KEY", "AKIAXI4VICB6WTCBE6ET," + SECRET)).containsExactly(SECRET);
        assertThat(Finds.in("AWS_SECRET_KEY", "token " + SECRET)).isEmpty();
    }

    @Test
    void aHashOrABase64RunIsNoSecretKey() {
        assertThat(Finds.in("AWS_SECRET_KEY", "secret: 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")).isEmpty();
        assertThat(Finds.in("AWS_SECRET_KEY", "secret: " + SECRET + "AAAA")).isEmpty();
        assertThat(Finds.in("AWS_SECRET_KEY", "secret: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN")).isEmpty();
    }

    @Test
    void findsThePasswordAfterItsLabel() {
        assertThat(Finds.in("PASSWORD", "password: hunter2.")).containsExactly("hunter2");
        assertThat(Finds.in("PASSWORD", "DB_PASSWORD=s3cr3t-Pa55")).containsExactly("s3cr3t-Pa55");
        assertThat(Finds.in("PASSWORD", "{\"password\": \"Winter2024!\"}")).containsExactly("Winter2024!");
        assertThat(Finds.in("PASSWORD", "My wifi password is Tr0ub4dor&3")).containsExactly("Tr0ub4dor&3");
        assertThat(Finds.in("PASSWORD", "the password for the router is admin123")).containsExactly("admin123");
        assertThat(Finds.in("PASSWORD", "Server=db;Password=Pa$$w0rd;")).containsExactly("Pa$$w0rd");
        assertThat(Finds.in("PASSWORD", "pass: letmein123")).containsExactly("letmein123");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Password must be at least 12 characters", "The password is incorrect", "password: ********",
            "password: ${DB_PASSWORD}", "password: {{ vault.db }}", "password_hash: $2b$12$abc", "Pass: 12 Fail: 3",
            "Forgot your password? Click reset.", "passwords are hashed", "password: <your password>"})
    void rejectsProseMasksPlaceholdersAndReports(String text) {
        assertThat(Finds.in("PASSWORD", text)).isEmpty();
    }

    @Test
    void findsTheUserAndPasswordOfAUrl() {
        String url = "postgres://app:Tr0ub4dor&3@db.internal:5432/prod";
        assertThat(Finds.in("USERNAME", url)).containsExactly("app");
        assertThat(Finds.in("PASSWORD", url)).containsExactly("Tr0ub4dor&3");
        assertThat(Finds.in("PASSWORD", "http://example.com:8080/path")).isEmpty();
    }

    @Test
    void findsTheUserNameAfterItsLabel() {
        assertThat(Finds.in("USERNAME", "username: jsmith42")).containsExactly("jsmith42");
        assertThat(Finds.in("USERNAME", "User Id=svc_reports;")).containsExactly("svc_reports");
        assertThat(Finds.in("USERNAME", "host=db user=analytics dbname=prod")).containsExactly("analytics");
        assertThat(Finds.in("USERNAME", "login: jdoe")).containsExactly("jdoe");
        assertThat(Finds.in("USERNAME", "my username on the forum is quietstorm")).containsExactly("quietstorm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Username is required", "User: can you summarize this?", "Last login: Mon Jan 15 10:30:02",
            "Login: failed", "enter your username and password"})
    void rejectsFormsTranscriptsAndLoginTimes(String text) {
        assertThat(Finds.in("USERNAME", text)).isEmpty();
    }

    @Test
    void findsThePinAfterItsLabel() {
        assertThat(Finds.in("PIN", "my PIN is 4821")).containsExactly("4821");
        assertThat(Finds.in("PIN", "SIM PIN code is 5580")).containsExactly("5580");
        assertThat(Finds.in("PIN", "pin: 0937")).containsExactly("0937");
        assertThat(Finds.in("PIN", "Connect the LED to pin 13")).isEmpty();
        assertThat(Finds.in("PIN", "Pinned 2023")).isEmpty();
        assertThat(Finds.in("PIN", "pin 2024-05-01")).isEmpty();
    }
}
