package multiprocessing4j.internal.codec;

import java.io.InputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import multiprocessing4j.SerializableCallable;

/** Value types and helpers shared by the codec tests. */
final class Fixtures {
    private Fixtures() {
    }

    record Point(int x, int y) implements Serializable {
    }

    record Line(Point from, Point to, String label) implements Serializable {
    }

    static final class Node implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String name;
        Node next;

        Node(String name) {
            this.name = name;
        }
    }

    /** Not Serializable. */
    static final class Customer {
        final Socket socket = new Socket();
    }

    static final class SerializableCustomer implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String name = "acme";
        final Object socket = new Socket();
    }

    static final class Order implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final SerializableCustomer customer = new SerializableCustomer();
    }

    static final class OrderWithPlainCustomer implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final Object customer = new Customer();
    }

    static final class Holder implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final List<Object> items = new ArrayList<>();
    }

    /** Replaced on the wire by a descriptor that re-attaches to a registry on the other side, like our handles. */
    static final class Handle implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final transient Object attached;
        final String name;

        Handle(String name, Object attached) {
            this.name = name;
            this.attached = attached;
        }

        @Serial
        private Object writeReplace() {
            return new Descriptor(name);
        }
    }

    record Descriptor(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return new Handle(name, "re-attached:" + name);
        }
    }

    static final class Job {
        SerializableCallable<String> capturingThread(Thread thread) {
            return () -> thread.getName();
        }

        SerializableCallable<String> capturingStream(InputStream in) {
            return () -> String.valueOf(in.available());
        }
    }

    /** An exception whose field is not serializable. */
    static final class SocketFailure extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        final Object socket = new Socket();

        SocketFailure(String message) {
            super(message);
        }
    }

    static final class CustomFailure extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        final int code;

        CustomFailure(String message, int code, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CustomFailure c && c.code == code && Objects.equals(c.getMessage(), getMessage());
        }

        @Override
        public int hashCode() {
            return code;
        }
    }

    /**
     * Defines, in a throwaway class loader, a class no codec can find by name: what a peer's class that is
     * missing here looks like. {@code superName} is e.g. {@code java.lang.Object} or {@code java.lang.RuntimeException}.
     */
    static Object instanceOfMissingClass(String name, String superName) throws ReflectiveOperationException {
        ClassDesc superDesc = ClassDesc.of(superName);
        byte[] bytes = ClassFile.of().build(ClassDesc.of(name), cb -> cb
                .withFlags(ClassFile.ACC_PUBLIC)
                .withSuperclass(superDesc)
                .withInterfaceSymbols(ClassDesc.of("java.io.Serializable"))
                .withMethod("<init>", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC, mb -> mb
                        .withCode(code -> code.aload(0)
                                .invokespecial(superDesc, "<init>", MethodTypeDesc.of(ConstantDescs.CD_void))
                                .return_())));
        ClassLoader loader = new ClassLoader(Fixtures.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String n) throws ClassNotFoundException {
                if (n.equals(name)) {
                    return defineClass(n, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(n);
            }
        };
        return loader.loadClass(name).getDeclaredConstructor().newInstance();
    }
}
