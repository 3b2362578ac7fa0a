package multiprocessing4j.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.manager.ManagedBarrier;
import multiprocessing4j.manager.Manager;
import multiprocessing4j.manager.Namespace;

/**
 * Manager proxy operations per second, with the server in this JVM and the client in another process
 * (what CPython's {@code bench/python/manager_bench.py} measures the same way):
 * <ul>
 *   <li>{@code list.append}: {@code list.add(i)} through a proxy;</li>
 *   <li>{@code dict put/get}: alternating {@code put(k, i)} and {@code get(k)};</li>
 *   <li>{@code namespace set/get}: alternating {@code set("x", i)} and {@code get("x")};</li>
 *   <li>{@code 4 clients}: four client processes doing dict put/get on one dict at once (total ops/s);</li>
 *   <li>start-up: {@code Manager.start()} (server in a child JVM) until its first proxy answers, and
 *       {@code Manager.serve()} in this JVM until the first proxy answers.</li>
 * </ul>
 * Run: {@code java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp bench/target/classes:core/target/classes:<fory jars>
 * multiprocessing4j.bench.ManagerProxyBench [ops]}. Each figure is the median of 5 timed runs after a warm-up.
 */
public final class ManagerProxyBench {
    private static final byte[] KEY = "manager-bench".getBytes(StandardCharsets.UTF_8);
    private static final int RUNS = 5;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), args.length > 3 ? args[3] : null);
            return;
        }
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Map<String, Double> results = new LinkedHashMap<>();
        try (Manager manager = Manager.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY)) {
            Codec codec = Codecs.defaultCodec();
            // one client process: its own objects
            for (String line : runClients(manager, "single", ops, 1, null)) {
                String[] kv = line.split(" ");
                results.put(kv[0], Double.parseDouble(kv[1]));
            }
            // four client processes on one dict
            ConcurrentMap<String, Object> shared = manager.dict();
            // the four clients start each run together, at this barrier (stored in the dict they hammer)
            shared.put("start", manager.barrier(4));
            String handle = Base64.getEncoder().encodeToString(codec.encode(shared));
            double total = 0;
            for (String line : runClients(manager, "hammer", ops, 4, handle)) {
                total += Double.parseDouble(line.split(" ")[1]);
            }
            results.put("dict put/get, 4 clients at once (total)", total);
        }
        results.put("start-up Manager.start() (warm spare JVM) until first reply (us)", startup(true));
        results.put("start-up Manager.serve() in-process until first reply (us)", startup(false));
        for (Map.Entry<String, Double> e : results.entrySet()) {
            System.out.printf("%-60s %,12.0f%n", e.getKey(), e.getValue());
        }
        // The mp4j bench convention (distinct from the clients' internal RESULT lines, which go to this JVM only).
        for (Map.Entry<String, Double> e : results.entrySet()) {
            String k = e.getKey();
            String figure = k.startsWith("list.append") ? "manager.list.append"
                    : k.startsWith("dict-put/get") ? "manager.dict.putget"
                    : k.startsWith("namespace-set/get") ? "manager.namespace.setget"
                    : k.startsWith("dict put/get, 4 clients") ? "manager.dict.4clients"
                    : k.startsWith("start-up Manager.start()") ? "manager.start"
                    : "manager.serve.inprocess";
            boolean startUp = figure.equals("manager.start") || figure.equals("manager.serve.inprocess");
            System.out.printf("RESULT %s %.3f %s %s%n", figure, e.getValue(), startUp ? "us" : "ops/s",
                    startUp ? "lower-is-better" : "higher-is-better");
        }
    }

    private static List<String> runClients(Manager manager, String mode, int ops, int count, String handle)
            throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path")));
            // the clients run with this JVM's mp4j.* settings (transport, spinning)
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("mp4j.")) {
                    command.add("-D" + name + "=" + System.getProperty(name));
                }
            }
            command.addAll(List.of(ManagerProxyBench.class.getName(), "client",
                    manager.address().getAddress().getHostAddress() + ":" + manager.address().getPort(),
                    Integer.toString(ops)));
            command.add(handle == null ? "-" : handle);
            processes.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<String> lines = new ArrayList<>();
        for (Process p : processes) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("RESULT ")) {
                        lines.add(line.substring(7));
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("a bench client failed: exit " + p.exitValue());
            }
        }
        return lines;
    }

    private static double startup(boolean child) throws InterruptedException {
        double[] us = new double[RUNS];
        for (int r = 0; r < RUNS + 1; r++) {
            if (child) {
                Thread.sleep(2_000); // let the runtime's warm spare get ready, as between starts in a program
            }
            long t0 = System.nanoTime();
            try (Manager m = child ? Manager.start() : Manager.serve(KEY)) {
                m.list().add(1);
                if (r > 0) {
                    us[r - 1] = (System.nanoTime() - t0) / 1e3;
                }
            }
        }
        Arrays.sort(us);
        return us[RUNS / 2];
    }

    @FunctionalInterface
    private interface Op {
        void run(int i);
    }

    /** Ops per second: median of {@link #RUNS} timed runs after one warm-up run. */
    private static double measure(int ops, Op op) {
        return measure(ops, op, null);
    }

    /** {@link #measure(int, Op)}, each run starting when every client has reached {@code start}, if given. */
    private static double measure(int ops, Op op, ManagedBarrier start) {
        double[] rates = new double[RUNS];
        for (int r = 0; r < RUNS + 1; r++) {
            if (start != null) {
                try {
                    start.await(Duration.ofSeconds(60));
                } catch (Exception e) {
                    throw new IllegalStateException("the clients did not meet at the start of a run", e);
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run(i);
            }
            long t = System.nanoTime() - t0;
            if (r > 0) {
                rates[r - 1] = ops / (t / 1e9);
            }
        }
        Arrays.sort(rates);
        return rates[RUNS / 2];
    }

    /** Runs every measured operation for a while, so that both JVMs have compiled their paths. */
    private static void warmUp(Manager manager, int ops) {
        List<Integer> list = manager.list();
        ConcurrentMap<String, Integer> dict = manager.dict();
        Namespace ns = manager.namespace();
        for (int i = 0; i < 2 * ops; i++) {
            list.add(i);
            dict.put("k", i);
            dict.get("k");
            ns.set("x", i);
            ns.get("x");
        }
        manager.release(list);
    }

    @SuppressWarnings("unchecked")
    private static void client(String address, int ops, String handle) {
        int colon = address.lastIndexOf(':');
        InetSocketAddress where = new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)));
        try (Manager manager = Manager.connect(where, KEY)) {
            if (handle != null && !handle.equals("-")) {
                ConcurrentMap<String, Object> dict = (ConcurrentMap<String, Object>) Codecs.defaultCodec()
                        .decode(Base64.getDecoder().decode(handle));
                ManagedBarrier start = (ManagedBarrier) dict.get("start");
                String key = "k" + ProcessHandle.current().pid();
                double rate = measure(ops, i -> {
                    if ((i & 1) == 0) {
                        dict.put(key, i);
                    } else {
                        dict.get(key);
                    }
                }, start);
                System.out.println("RESULT hammer " + rate);
                return;
            }
            List<Integer> list = manager.list();
            warmUp(manager, ops);
            double append = measure(ops, list::add);
            list.clear();
            ConcurrentMap<String, Integer> dict = manager.dict();
            double dictRate = measure(ops, i -> {
                if ((i & 1) == 0) {
                    dict.put("k", i);
                } else {
                    dict.get("k");
                }
            });
            Namespace ns = manager.namespace();
            double nsRate = measure(ops, i -> {
                if ((i & 1) == 0) {
                    ns.set("x", i);
                } else {
                    ns.get("x");
                }
            });
            System.out.println("RESULT list.append(ops/s,another-process) " + append);
            System.out.println("RESULT dict-put/get(ops/s) " + dictRate);
            System.out.println("RESULT namespace-set/get(ops/s) " + nsRate);
        }
    }
}
