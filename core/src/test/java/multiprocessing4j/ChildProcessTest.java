package multiprocessing4j;

import multiprocessing4j.internal.codec.NotSerializableValueException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChildProcess}: a task in another JVM, its exit code, failure, output and life cycle. */
@ExtendWith(NoLeftoverProcesses.class)
@Timeout(60)
class ChildProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private PrintStream originalOut;
    private ByteArrayOutputStream capturedOut;

    @BeforeEach
    void captureStdout() {
        originalOut = System.out;
        capturedOut = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(originalOut);
    }

    private String stdout() {
        return capturedOut.toString(StandardCharsets.UTF_8);
    }

    private static int joinAndGetExitCode(ChildProcess child) throws InterruptedException {
        assertTrue(child.join(WAIT), "child did not exit in time");
        return child.exitCode().orElseThrow();
    }

    @Test
    void taskThatReturnsExitsWithZero() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> { })) {
            assertEquals(0, joinAndGetExitCode(child));
            assertTrue(child.failure().isEmpty());
        }
    }

    @Test
    void taskThatThrowsExitsWithOneAndItsFailureCarriesTheRemoteTrace() throws Exception {
        try (ChildProcess child = ChildProcess.builder(ChildProcessTest::failDeepInside)
                .stderr(ChildProcess.Output.discard()).start()) {
            assertEquals(1, joinAndGetExitCode(child));
            RemoteException failure = child.failure().orElseThrow();
            assertEquals(IllegalArgumentException.class.getName(), failure.remoteClassName());
            assertEquals("bad input 42", failure.remoteMessage());
            assertTrue(Arrays.stream(failure.getStackTrace()).anyMatch(e -> e.getMethodName().equals("failDeepInside")),
                    "the remote trace names the method that threw: " + Arrays.toString(failure.getStackTrace()));
            assertInstanceOf(IllegalArgumentException.class, failure.original().orElseThrow());
            assertEquals(IllegalStateException.class.getName(), failure.getCause().getClass() == RemoteException.class
                    ? ((RemoteException) failure.getCause()).remoteClassName() : "no cause");
        }
    }

    private static void failDeepInside() {
        throw new IllegalArgumentException("bad input 42", new IllegalStateException("root cause"));
    }

    @Test
    void taskFailureIsPrintedOnTheChildsStderr() throws Exception {
        Path err = dir.resolve("err.txt");
        try (ChildProcess child = ChildProcess.builder(ChildProcessTest::failDeepInside)
                .name("failing-child").stderr(ChildProcess.Output.toFile(err)).start()) {
            joinAndGetExitCode(child);
            String printed = Files.readString(err);
            assertTrue(printed.contains("failing-child") && printed.contains("bad input 42")
                    && printed.contains("failDeepInside"), printed);
        }
    }

    @Test
    void systemExitCodeIsTheExitCode() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> System.exit(7))) {
            assertEquals(7, joinAndGetExitCode(child));
        }
    }

    @Test
    void systemExitWithWhatLooksLikeASignalStatusIsNotTakenForASignal() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> System.exit(128 + 15))) {
            assertEquals(143, joinAndGetExitCode(child));
        }
    }

    @Test
    void shutdownHooksRunOnANormalExitWhileAThreadIsBlockedInNativeCode() throws Exception {
        String hook = dir.resolve("hook").toString();
        try (ChildProcess child = ChildProcess.start(() -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Await.writeLine(hook, "hook ran")));
            Thread blocked = new Thread(ChildProcessTest::acceptForever); // the exit must not wait for it
            blocked.setDaemon(true);
            blocked.start();
        })) {
            assertEquals(0, joinAndGetExitCode(child));
            assertEquals("hook ran", Await.line(Path.of(hook), Duration.ofSeconds(1)));
        }
    }

    private static void acceptForever() {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.accept(); // blocks in native accept() until the JVM exits
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void terminateRunsShutdownHooksAndGivesMinus15() throws Exception {
        String started = dir.resolve("started").toString();
        String hook = dir.resolve("hook").toString();
        try (ChildProcess child = ChildProcess.start(() -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Await.writeLine(hook, "hook ran")));
            Await.writeLine(started, "started");
            sleepForever();
        })) {
            Await.line(Path.of(started), WAIT);
            child.terminate();
            assertEquals(-15, joinAndGetExitCode(child));
            assertEquals("hook ran", Await.line(Path.of(hook), Duration.ofSeconds(1)));
        }
    }

    @Test
    void killGivesMinus9() throws Exception {
        String started = dir.resolve("started").toString();
        try (ChildProcess child = ChildProcess.start(() -> {
            Await.writeLine(started, "started");
            sleepForever();
        })) {
            Await.line(Path.of(started), WAIT);
            child.kill();
            assertEquals(-9, joinAndGetExitCode(child));
        }
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Duration.ofMinutes(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void prefixedOutputForwardsEachLineWithNameAndPid() throws Exception {
        try (ChildProcess child = ChildProcess.builder(() -> {
            System.out.println("first line");
            System.out.print("second ");
            System.out.println("line");
        }).name("talker").output(ChildProcess.Output.prefixed()).start()) {
            joinAndGetExitCode(child);
            String prefix = "[talker " + child.pid() + "] ";
            String out = stdout();
            assertTrue(out.contains(prefix + "first line\n" + prefix + "second line\n"), out);
        }
    }

    @Test
    void inheritedOutputGoesToThisJvmsStdout() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> System.out.println("inherited line"))) {
            joinAndGetExitCode(child);
            assertTrue(stdout().contains("inherited line\n"), stdout());
        }
    }

    @Test
    void outputCanGoToAFile() throws Exception {
        Path file = dir.resolve("out.txt");
        try (ChildProcess child = ChildProcess.builder(() -> {
            System.out.println("to the file");
            System.err.println("also to the file");
        }).output(ChildProcess.Output.toFile(file)).start()) {
            joinAndGetExitCode(child);
            String content = Files.readString(file);
            assertTrue(content.contains("to the file\n") && content.contains("also to the file\n"), content);
            assertFalse(stdout().contains("to the file"));
        }
    }

    @Test
    void discardedOutputGoesNowhere() throws Exception {
        try (ChildProcess child = ChildProcess.builder(() -> System.out.println("nobody sees this"))
                .output(ChildProcess.Output.discard()).start()) {
            joinAndGetExitCode(child);
            assertFalse(stdout().contains("nobody sees this"));
        }
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileTheChildRuns() throws Exception {
        try (ChildProcess child = ChildProcess.start(ChildProcessTest::sleepForever)) {
            assertFalse(child.join(Duration.ofMillis(200)));
            assertTrue(child.isAlive());
            assertEquals(OptionalInt.empty(), child.exitCode());
        }
    }

    @Test
    void closeEndsARunningChild() throws Exception {
        ChildProcess child = ChildProcess.start(ChildProcessTest::sleepForever);
        long pid = child.pid();
        child.close();
        assertTrue(Await.condition(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)));
        child.close(); // harmless twice
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> { })) {
            IllegalStateException e = assertThrows(IllegalStateException.class, child::start);
            assertTrue(e.getMessage().contains("already started"), e.getMessage());
        }
    }

    @Test
    void joinBeforeStartIsRefused() {
        try (ChildProcess child = ChildProcess.builder(() -> { }).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, child::join);
            assertTrue(e.getMessage().contains("not been started"), e.getMessage());
            assertThrows(IllegalStateException.class, child::pid);
            assertThrows(IllegalStateException.class, child::exitCode);
            assertFalse(child.isAlive());
        }
    }

    @Test
    void queriesAfterCloseAreRefused() throws Exception {
        ChildProcess child = ChildProcess.start(() -> { });
        child.join(WAIT);
        child.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, child::exitCode);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, child::start);
    }

    @Test
    void aTaskCapturingSomethingNotSerializableFailsAtStartNamingTheClass() {
        Object notSerializable = new Object();
        String marker = "-Dmp4j.test.capture=unserializable";
        ChildProcess child = ChildProcess.builder(() -> System.out.println(notSerializable)).jvmOptions(marker).build();
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, child::start);
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertFalse(ProcessHandle.current().descendants().anyMatch(p -> p.info().arguments()
                .map(args -> Arrays.asList(args).contains(marker)).orElse(false)),
                "no JVM launched for a task that cannot be sent");
        child.close();
    }

    @Test
    void currentInTheRootIsMainProcessWithoutParent() {
        ChildProcess.Current me = ChildProcess.current();
        assertEquals("MainProcess", me.name());
        assertEquals(ProcessHandle.current().pid(), me.pid());
        assertFalse(me.isChild());
        assertTrue(me.parentPid().isEmpty());
    }

    @Test
    void currentInAChildKnowsItsNamePidAndParent() throws Exception {
        String report = dir.resolve("current").toString();
        try (ChildProcess child = ChildProcess.builder(() -> {
            ChildProcess.Current c = ChildProcess.current();
            Await.writeLine(report, c.name() + " " + c.pid() + " " + c.parentPid().orElse(-1) + " " + c.isChild());
        }).name("curious").start()) {
            joinAndGetExitCode(child);
            assertEquals("curious " + child.pid() + " " + ProcessHandle.current().pid() + " true",
                    Await.line(Path.of(report), Duration.ofSeconds(1)));
        }
    }

    @Test
    void environmentWorkingDirectoryAndJvmOptionsAreHonoured() throws Exception {
        String report = dir.resolve("settings").toString();
        Path workDir = Files.createDirectory(dir.resolve("work"));
        try (ChildProcess child = ChildProcess.builder(() -> Await.writeLine(report,
                        System.getenv("MP4J_TEST_VAR") + " " + Path.of("").toAbsolutePath() + " "
                                + System.getProperty("mp4j.test.option") + " " + Runtime.getRuntime().maxMemory() / (1024 * 1024)))
                .environment("MP4J_TEST_VAR", "from-parent")
                .workingDirectory(workDir)
                .jvmOptions("-Dmp4j.test.option=set", "-Xmx100m")
                .start()) {
            joinAndGetExitCode(child);
            String[] got = Await.line(Path.of(report), Duration.ofSeconds(1)).split(" ");
            assertEquals("from-parent", got[0]);
            assertEquals(workDir.toRealPath().toString(), Path.of(got[1]).toRealPath().toString());
            assertEquals("set", got[2]);
            assertTrue(Long.parseLong(got[3]) <= 100, "max heap " + got[3] + " MB");
        }
    }

    @Test
    void onExitCompletesWithTheChild() throws Exception {
        try (ChildProcess child = ChildProcess.start(() -> System.exit(3))) {
            ChildProcess same = child.onExit().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(child, same);
            assertEquals(OptionalInt.of(3), child.exitCode());
        }
    }

    @Test
    void aJvmThatCannotStartGivesItsExitStatusAndSaysWhyOnStderr() throws Exception {
        Path err = dir.resolve("err.txt");
        try (ChildProcess child = ChildProcess.builder(() -> { }).jvmOptions("-XX:+NoSuchOptionAnywhere")
                .warmSpare(false).stderr(ChildProcess.Output.toFile(err)).start()) {
            assertEquals(1, joinAndGetExitCode(child));
            assertTrue(Files.readString(err).contains("NoSuchOptionAnywhere"), Files.readString(err));
        }
    }

    @Test
    void badJvmOptionsAreRefusedByTheBuilder() {
        assertThrows(IllegalArgumentException.class, () -> ChildProcess.builder(() -> { }).jvmOptions("-cp", "x"));
        assertThrows(IllegalArgumentException.class, () -> ChildProcess.builder(() -> { }).workingDirectory(Path.of("/no/such/dir")));
    }
}
