package dev.quarry.guardrails.pii;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkAddressesTest {
    private static final String IP = "IP_ADDRESS";
    private static final String MAC = "MAC_ADDRESS";

    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.20", "0.0.0.0", "255.255.255.255", "2001:db8:85a3::8a2e:370:7334", "::1", "fe80::1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128", "2606:4700:4700::1111", "2001:db8::"})
    void findsAddresses(String address) {
        assertThat(Finds.in(IP, "host " + address + " is down")).containsExactly(address);
    }

    @Test
    void findsAddressesBesideTheirPortsAndPrefixes() {
        assertThat(Finds.in(IP, "ECONNREFUSED 127.0.0.1:5432")).containsExactly("127.0.0.1");
        assertThat(Finds.in(IP, "listen [::1]:8080")).containsExactly("::1");
        assertThat(Finds.in(IP, "allow 172.16.0.0/12")).containsExactly("172.16.0.0");
        assertThat(Finds.in(IP, "at 10.0.0.1.")).containsExactly("10.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "OID 1.3.6.1.4.1.2021", "version 1.2.3.4",
            "Release 10.0.0.1", "v 1.2.3.4", "Chrome/120.0.6099.109", "10:30:45", "12:30:45:10", "std::vector<int>",
            "00:1A:2B:3C:4D:5E", "1::2::3", "1:2:3:4:5:6:7:8:9", "gggg::1", "::"})
    void rejectsVersionsTimesAndMalformedAddresses(String text) {
        assertThat(Finds.in(IP, "see " + text + " there")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"00:1A:2B:3C:4D:5E", "3c:22:fb:9a:10:7e", "00-14-22-01-23-45", "0050.56c0.0008"})
    void findsMacAddresses(String mac) {
        assertThat(Finds.in(MAC, "ether " + mac + " up")).containsExactly(mac);
    }

    @ParameterizedTest
    @ValueSource(strings = {"00:1A:2B:3C:4D", "00:1A:2B:3C:4D:5E:6F", "00:1A-2B:3C:4D:5E", "2023.1104.0001", "3c22fb9a107e",
            "fe80:0:0:0:0:0:0:1"})
    void rejectsWhatIsNotAMacAddress(String text) {
        assertThat(Finds.in(MAC, "value " + text + " here")).isEmpty();
    }
}
