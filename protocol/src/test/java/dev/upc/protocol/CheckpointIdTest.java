package dev.upc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CheckpointIdTest {

    @Test
    void jobIdsMayContainDashesAndTheLastTwoNumbersAreEpochAndSequence() {
        CheckpointId id = new CheckpointId("job-7", 3, 12);

        assertThat(id.blobId()).isEqualTo("job-7-3-12");
        assertThat(CheckpointId.parse("job-7-3-12")).contains(id);
        assertThat(CheckpointId.parse("job-7")).isEmpty();
        assertThat(CheckpointId.parse("job-x-1")).isEmpty();
    }

    @Test
    void blobClaimIsKindSlashId() {
        assertThat(BlobCapability.blobClaim(BlobKind.CHECKPOINTS, "job-7-3-1")).isEqualTo("checkpoints/job-7-3-1");
    }
}
