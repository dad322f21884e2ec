package dev.upc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void omitsEmptyDetailsAndRoundTrips() throws Exception {
        ErrorResponse error = ErrorResponse.of(404, "no_such_blob", "checkpoints/job-1 does not exist");

        String text = json.writeValueAsString(error);

        assertThat(text).doesNotContain("details");
        assertThat(json.readValue(text, ErrorResponse.class)).isEqualTo(error);
    }

    @Test
    void keepsFieldErrors() throws Exception {
        ErrorResponse error = new ErrorResponse(400, "invalid_body", "2 fields are invalid",
                java.util.List.of(new ErrorResponse.FieldError("cpus", "must be at least 1")));

        ErrorResponse back = json.readValue(json.writeValueAsString(error), ErrorResponse.class);

        assertThat(back.details()).containsExactly(new ErrorResponse.FieldError("cpus", "must be at least 1"));
    }
}
