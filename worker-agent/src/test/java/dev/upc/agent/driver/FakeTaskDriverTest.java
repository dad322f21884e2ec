package dev.upc.agent.driver;

import java.util.List;
import java.util.Map;

/** The agent's test fake keeps the {@link TaskDriverContract}. */
class FakeTaskDriverTest extends TaskDriverContract {

    private final FakeTaskDriver driver = new FakeTaskDriver();

    @org.junit.jupiter.api.AfterEach
    void removeHoldFiles() throws java.io.IOException {
        driver.close();
    }

    @Override
    protected TaskDriver driver() {
        return driver;
    }

    @Override
    protected TaskConfig longRunning(TaskHandle handle) {
        return new TaskConfig(handle, "localhost/example:1", List.of("sleep", "infinity"), Map.of(), Map.of(),
                limits());
    }
}
