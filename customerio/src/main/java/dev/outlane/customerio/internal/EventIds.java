package dev.outlane.customerio.internal;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The rule that gives a Customer.io delivery its dedupe identity: when the body is a JSON object
 * with no top-level {@code event_id}, one is inserted from the delivery key ({@code cio-} + the key;
 * {@code cio-} + its SHA-256 hex when the key is longer than 100 characters, to stay inside the
 * contract's 128). A body that has an {@code event_id} (even {@code null}), is not an object, or is
 * not JSON is returned unchanged, so the contract reader reports its problems exactly as for any
 * other input. Only top-level names are read; values are skipped, never converted. Stateless.
 */
public final class EventIds {
  private static final int MAX_KEY_CHARS = 100;

  private EventIds() {}

  /** The {@code event_id} a delivery key stands for. */
  public static String fromKey(String key) {
    if (key.length() <= MAX_KEY_CHARS) {
      return "cio-" + key;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "cio-" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  /** {@code body} with {@code "event_id": fromKey(key)} added if it lacks one (see the class rule). */
  public static byte[] withEventId(byte[] body, @Nullable String key) {
    if (key == null || hasTopLevelEventId(body) != Boolean.FALSE) {
      return body;
    }
    int brace = 0;
    while (brace < body.length && body[brace] != '{') {
      brace++;
    }
    String member = "\"event_id\":\"" + jsonEscape(fromKey(key)) + "\"";
    boolean empty = isEmptyObject(body, brace);
    byte[] insert = (member + (empty ? "" : ",")).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + insert.length];
    System.arraycopy(body, 0, out, 0, brace + 1);
    System.arraycopy(insert, 0, out, brace + 1, insert.length);
    System.arraycopy(body, brace + 1, out, brace + 1 + insert.length, body.length - brace - 1);
    return out;
  }

  /** TRUE/FALSE for a JSON object with/without a top-level event_id; null if not a JSON object. */
  private static @Nullable Boolean hasTopLevelEventId(byte[] body) {
    try (JsonReader reader = JsonReader.of(new Buffer().write(body))) {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return null;
      }
      boolean found = false;
      reader.beginObject();
      while (reader.hasNext()) {
        found |= reader.nextName().equals("event_id");
        reader.skipValue();
      }
      reader.endObject();
      return reader.peek() == JsonReader.Token.END_DOCUMENT ? found : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isEmptyObject(byte[] body, int brace) {
    for (int i = brace + 1; i < body.length; i++) {
      byte b = body[i];
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        continue;
      }
      return b == '}';
    }
    return false;
  }

  private static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
