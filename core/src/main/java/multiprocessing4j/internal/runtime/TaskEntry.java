package multiprocessing4j.internal.runtime;

import multiprocessing4j.SerializableRunnable;

import java.util.Objects;

/** The entry of a {@code ChildProcess}: run one task, then exit. */
public record TaskEntry(SerializableRunnable task) implements ChildEntry {
    public TaskEntry {
        Objects.requireNonNull(task, "task");
    }

    @Override
    public void run(Link parent) {
        task.run();
    }
}
