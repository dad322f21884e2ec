package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CleanTextTest {

    @Test
    void nulAndLoneSurrogatesAreNotCleanTextButAnyOtherUnicodeIs() {
        assertThat(CleanText.problem("pc-17 ünïcødé 日本 \uD83D\uDE00 \t tab")).isEmpty();
        assertThat(CleanText.problem("a\0b")).contains("contains a NUL character");
        assertThat(CleanText.problem("a\uD800b")).contains("contains an unpaired surrogate (not Unicode text)");
        assertThat(CleanText.problem("\uDC00")).isPresent();
        assertThat(CleanText.problem("end\uD83D")).isPresent();
    }

    @Test
    void aRawPathOrQueryIsJudgedOncePercentDecoded() {
        assertThat(CleanText.problemInRaw("/api/v1/jobs/j-1")).isEmpty();
        assertThat(CleanText.problemInRaw("/api/v1/workers/%C3%BC%E6%97%A5")).isEmpty();
        assertThat(CleanText.problemInRaw(null)).isEmpty();
        assertThat(CleanText.problemInRaw("/api/v1/jobs/a%00b")).contains("contains a NUL character");
        assertThat(CleanText.problemInRaw("state=%00")).isPresent();
        assertThat(CleanText.problemInRaw("/x/%C3%28")).contains("is not UTF-8 once percent-decoded");
        assertThat(CleanText.problemInRaw("/x/%ED%A0%80")).as("an encoded surrogate").isPresent();
        assertThat(CleanText.problemInRaw("/x/%zz/%4")).as("not an escape: the router's business").isEmpty();
    }
}
