package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.TestQuarry;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that is not authenticated (a SigV4 header is only claimed, so the body
 * is read to check it) declares a body of max_body_bytes, sends one byte, and waits.
 */
class DeclaredBodyLengthTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aDeclaredLengthIsNotAllocatedBeforeTheBytesArrive() throws Exception {
        long max = 32 * MIB;
        TestQuarry quarry = TestQuarry.start("server: { max_body_bytes: " + max + " }", Map.of());
        List<Socket> held = new ArrayList<>();
        try {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = usedAfterGc(memory);
            int connections = 6;
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket("127.0.0.1", quarry.quarry().port());
                held.add(socket);
                String head = "POST /model/quarry.echo/invoke HTTP/1.1\r\nHost: quarry\r\n"
                        + "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, "
                        + "SignedHeaders=host, Signature=00\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + max + "\r\n\r\n{";
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            Thread.sleep(1500);
            long after = usedAfterGc(memory);
            
            assertThat(after - before).as("heap held for %d one-byte bodies", connections).isLessThan(connections * max / 4);
        } finally {
            for (Socket s : held) s.close();
            quarry.close();
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
