package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manager over TLS: a self-signed certificate made with the JDK's keytool for the test. */
class ManagerTlsTest {
    private static final byte[] KEY = "tls-test-key".getBytes(StandardCharsets.UTF_8);
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    static Path dir;
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "manager", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made a certificate");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        // the serving JVM's own client uses the server's context too: it holds the key and trusts the certificate
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    @Test
    void proxiesWorkOverTls() {
        try (Manager server = Manager.builder().tls(serverContext).serve(LOOPBACK, KEY);
             Manager client = Manager.builder().tls(clientContext).connect(server.address(), KEY)) {
            List<String> list = client.list();
            list.add("encrypted");

            assertEquals(List.of("encrypted"), server.list(list));
        }
    }

    @Test
    void wrongKeyOverTlsFailsAuthentication() {
        try (Manager server = Manager.builder().tls(serverContext).serve(LOOPBACK, KEY)) {
            assertThrows(ManagerAuthenticationException.class, () -> Manager.builder().tls(clientContext)
                    .connect(server.address(), "wrong".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void plainClientCannotTalkToATlsServer() {
        try (Manager server = Manager.builder().tls(serverContext).serve(LOOPBACK, KEY)) {
            assertThrows(ManagerConnectionException.class, () -> Manager.builder()
                    .connectTimeout(java.time.Duration.ofSeconds(2)).connect(server.address(), KEY));
        }
    }
}
