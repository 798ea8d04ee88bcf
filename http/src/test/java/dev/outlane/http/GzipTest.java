package dev.outlane.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
  @Test
  void compressedBytesGunzipToTheInputWithPooledDeflaters() throws IOException {
    try (Gzip gzip = new Gzip(Deflater.BEST_SPEED)) {
      for (String text : new String[] {"", "{\"batch\":[]}", "é€".repeat(100_000)}) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = gzip.compress(in, in.length);
        try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(out))) {
          assertThat(new String(gunzip.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
        }
      }
    }
  }

  @Test
  void onlyTheGivenLengthIsCompressed() throws IOException {
    try (Gzip gzip = new Gzip(Deflater.BEST_SPEED)) {
      byte[] in = "abcdef".getBytes(StandardCharsets.UTF_8);
      try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(gzip.compress(in, 3)))) {
        assertThat(new String(gunzip.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
      }
    }
  }
}
