package multiprocessing4j.internal.runtime;

import java.io.Serializable;

/**
 * What a child JVM runs once it has been handed over: for {@code ChildProcess} the user's task, for a
 * pool a worker loop that receives tasks and sends results over the {@link Link}, for a manager its
 * server. It is encoded in the parent (so a value that cannot be serialized fails there, before any JVM
 * is touched) and decoded in the child.
 *
 * <p>When {@link #run} returns, the child exits with status 0 ({@code System.exit(0)}: shutdown hooks
 * run, threads the entry left behind do not hold the JVM up). When it throws, the child prints the
 * exception on its stderr, sends it to the parent (see {@link ChildJvm#failure()}) and exits with 1.
 */
@FunctionalInterface
public interface ChildEntry extends Serializable {
    /**
     * @param parent the link to the parent: {@link Link#receive()} what it sends, {@link Link#send} back
     */
    void run(Link parent) throws Exception;
}
