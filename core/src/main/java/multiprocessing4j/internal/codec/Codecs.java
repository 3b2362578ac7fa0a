package multiprocessing4j.internal.codec;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where codecs come from.
 *
 * <pre>{@code
 * Codec codec = Codecs.fromSystemProperty();              // what parent and children agree on
 * Codec untrusted = Codecs.restricted(Codecs.BUILT_INS.or(name -> name.startsWith("com.acme.dto.")));
 * }</pre>
 *
 * <ul>
 *   <li>{@link #defaultCodec()}: Apache Fory, native Java mode (see {@link ForyCodec} for its options).</li>
 *   <li>{@link #jdkCodec()}: JDK serialization with an {@link java.io.ObjectInputFilter}; the fallback.</li>
 *   <li>{@link #fromSystemProperty()}: the one the process uses, chosen by {@code -Dmp4j.codec=fory|jdk}
 *       (default {@code fory}). The runtime passes the same property to every child it starts.</li>
 *   <li>{@link #restricted}: for bytes from peers that are not trusted (managers across the network):
 *       decoding refuses any class the allow-list does not accept, with a {@link CodecException} naming it.</li>
 * </ul>
 * Every codec here is thread-safe; the shared ones are created on first use.
 */
public final class Codecs {

    /** The system property choosing the codec: {@code fory} (default) or {@code jdk}. */
    public static final String PROPERTY = "mp4j.codec";

    /**
     * The classes a restricted codec always accepts: boxed primitives and {@code String}, {@code java.util}
     * collections, {@code java.time}, {@code BigInteger}/{@code BigDecimal}, enums' base, stack trace
     * elements, arrays of those (a decoder asks about the element type), the public types of
     * the exported packages of {@code multiprocessing4j} (our handles and exceptions) and {@link RemoteFailure}.
     */
    public static final Predicate<String> BUILT_INS = Codecs::isBuiltIn;

    private static final Set<String> JAVA_LANG = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Character",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number",
            "java.lang.Enum", "java.lang.Object", "java.lang.StackTraceElement", "java.lang.Void",
            "java.math.BigInteger", "java.math.BigDecimal");

    private Codecs() {
    }

    private static final class Default {
        static final Codec INSTANCE = new ForyCodec(null);
    }

    private static final class Jdk {
        static final Codec INSTANCE = new JdkCodec(null);
    }

    /** The Fory codec: fast, thread-safe, shared. */
    public static Codec defaultCodec() {
        return Default.INSTANCE;
    }

    /**
     * Makes the first real encode/decode in this JVM cheap: creates the codec chosen by {@value #PROPERTY}
     * and round-trips a serializable lambda, a record, a plain serializable class, collections and an
     * exception through it, so that the codec's own classes are loaded and initialised. A spare child calls
     * this before it declares itself ready (see {@code CodecFirstUse} in the bench module for the figures).
     * Idempotent and thread-safe.
     */
    public static void warmUp() {
        Codec codec = fromSystemProperty();
        Warm.roundTrip(codec);
        if (codec == defaultCodec()) {
            defaultWarm = true;
        }
    }

    /** Set once the Fory codec has been built and round-tripped the {@link Warm} samples in this JVM. */
    private static volatile boolean defaultWarm;

    /**
     * Whether {@link #defaultCodec()} is built and warmed up in this JVM ({@link #warmUp()} or a
     * {@link WarmingCodec}'s background warm-up), so that using it costs no start-up. Does not build it.
     */
    public static boolean isDefaultWarm() {
        return defaultWarm;
    }

    /** Builds and warms up the Fory codec on the calling thread (≈ 100-400 ms in a fresh JVM), then says so. */
    static void warmUpDefault() {
        Warm.roundTrip(defaultCodec());
        defaultWarm = true;
    }

    /**
     * The codec for a conversation whose first messages must not wait for Fory to be built: with
     * {@code -Dmp4j.codec=jdk} simply {@link #jdkCodec()}, otherwise a {@link WarmingCodec}, which speaks JDK
     * serialization until Fory is warm in this JVM and {@code peersReadFory} says the other side's is too,
     * and reads both. One per conversation kind (it holds the state of the warm-up): the pools keep one.
     *
     * @throws IllegalStateException if {@value #PROPERTY} names no known codec
     */
    public static Codec warming(java.util.function.BooleanSupplier peersReadFory) {
        Objects.requireNonNull(peersReadFory, "peersReadFory");
        String name = System.getProperty(PROPERTY, "fory").trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "fory", "" -> new WarmingCodec(peersReadFory);
            case "jdk" -> jdkCodec();
            default -> fromSystemProperty(); // throws, naming the property's value
        };
    }


    /** The JDK serialization codec: thread-safe, shared. */
    public static Codec jdkCodec() {
        return Jdk.INSTANCE;
    }

    /**
     * The codec selected by {@value #PROPERTY}.
     *
     * @throws IllegalStateException if the property names no known codec
     */
    public static Codec fromSystemProperty() {
        String name = System.getProperty(PROPERTY, "fory").trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "fory", "" -> defaultCodec();
            case "jdk" -> jdkCodec();
            default -> throw new IllegalStateException("-D" + PROPERTY + "=" + name
                    + " names no codec: use 'fory' (the default) or 'jdk'");
        };
    }

    /**
     * A Fory codec whose decoder accepts only classes {@link #BUILT_INS} or {@code allowed} accept; any other
     * class in the bytes makes {@link Codec#decode} throw {@link CodecException} naming it, before an
     * instance of it is created. Encoding is unrestricted. Costly to create (one Fory pool each): keep it.
     *
     * @param allowed extra binary class names to accept (e.g. by package prefix)
     */
    public static Codec restricted(Predicate<String> allowed) {
        Objects.requireNonNull(allowed, "allowed");
        return new ForyCodec(BUILT_INS.or(allowed));
    }

    /** {@link #restricted(Predicate)} accepting classes whose binary names start with one of the prefixes. */
    public static Codec restricted(Set<String> allowedClassPrefixes) {
        Set<String> prefixes = Set.copyOf(allowedClassPrefixes);
        return restricted(name -> prefixes.stream().anyMatch(name::startsWith));
    }

    /** {@link #restricted(Predicate)} over JDK serialization. */
    public static Codec restrictedJdk(Predicate<String> allowed) {
        Objects.requireNonNull(allowed, "allowed");
        return new JdkCodec(BUILT_INS.or(allowed));
    }

    private static boolean isBuiltIn(String className) {
        String name = elementName(className);
        if (name.isEmpty() || JAVA_LANG.contains(name)) {
            return true;
        }
        if (name.startsWith("java.util.")) {
            // collections, not the executors and locks of java.util.concurrent's subpackages
            return !name.startsWith("java.util.concurrent.locks.") && !name.startsWith("java.util.logging.")
                    && !name.startsWith("java.util.jar.") && !name.startsWith("java.util.zip.")
                    && !name.startsWith("java.util.prefs.") && !name.startsWith("java.util.random.")
                    && !name.startsWith("java.util.regex.") && !name.startsWith("java.util.stream.")
                    && !name.startsWith("java.util.spi.") && !name.startsWith("java.util.function.");
        }
        if (name.startsWith("java.time.")) {
            return true;
        }
        if (name.equals(RemoteFailure.class.getName())) {
            return true;
        }
        // Only the library's exported packages (handles, exceptions): not multiprocessing4j.internal, and not
        // the examples', CLI's or a user's classes that merely live under a multiprocessing4j.* package name.
        int lastDot = name.lastIndexOf('.');
        return lastDot > 0 && EXPORTED_PACKAGES.contains(name.substring(0, lastDot));
    }

    private static final Set<String> EXPORTED_PACKAGES = Set.of("multiprocessing4j", "multiprocessing4j.shared",
            "multiprocessing4j.sync", "multiprocessing4j.manager");

    /** {@code "[[Ljava.lang.String;"} → {@code "java.lang.String"}, {@code "[I"} → {@code ""} (primitive). */
    private static String elementName(String className) {
        int dims = 0;
        while (dims < className.length() && className.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return className;
        }
        if (className.charAt(dims) == 'L' && className.endsWith(";")) {
            return className.substring(dims + 1, className.length() - 1);
        }
        return className.length() == dims + 1 ? "" : className.substring(dims);
    }
}
