package multiprocessing4j.shared;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.lang.foreign.ValueLayout;
import java.util.Base64;

/** Test peer: deserializes a SharedMemory handle (base64 of JDK serialization) and writes 4242 at offset 0. */
public final class HandleReceiver {
    public static void main(String[] args) throws Exception {
        byte[] bytes = Base64.getDecoder().decode(args[0]);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes));
             SharedMemory shm = (SharedMemory) in.readObject()) {
            shm.segment().set(ValueLayout.JAVA_LONG, 0, 4242L);
        }
    }
}
