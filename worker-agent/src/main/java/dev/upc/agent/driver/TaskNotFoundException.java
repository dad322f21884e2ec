package dev.upc.agent.driver;

/** The operation named a task that does not exist. */
public class TaskNotFoundException extends TaskDriverException {

    public TaskNotFoundException(TaskHandle task, Throwable cause) {
        super("no task " + task, cause);
    }
}
