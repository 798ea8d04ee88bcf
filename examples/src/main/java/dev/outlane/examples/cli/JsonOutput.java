package dev.outlane.examples.cli;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import okio.Buffer;

/** Writes the CLI's one-line JSON objects. Stateless and thread-safe. */
public final class JsonOutput {
  private JsonOutput() {}

  /** {@code fields} as one compact JSON object of strings, in the map's iteration order. */
  public static String object(Map<String, String> fields) {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject();
      for (Map.Entry<String, String> e : fields.entrySet()) {
        w.name(e.getKey()).value(e.getValue());
      }
      w.endObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return buffer.readUtf8();
  }
}
