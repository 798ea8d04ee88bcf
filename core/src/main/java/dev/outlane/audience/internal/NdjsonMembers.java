package dev.outlane.audience.internal;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import dev.outlane.audience.AudienceSyncException;
import dev.outlane.audience.MemberSource;
import dev.outlane.audience.RawMember;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.NoSuchElementException;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** NDJSON member reader. Not thread-safe. */
public final class NdjsonMembers implements MemberSource {
  private static final JsonReader.Options NAMES = JsonReader.Options.of("customer_id", "email", "phone");

  private final BufferedReader reader;
  private long line;
  private @Nullable RawMember next;

  public NdjsonMembers(Reader reader) {
    this.reader = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader, 1 << 16);
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    try {
      String text;
      do {
        text = reader.readLine();
        if (text == null) {
          return false;
        }
        line++;
      } while (text.isBlank());
      next = parse(text);
      return true;
    } catch (IOException e) {
      throw new AudienceSyncException("members: cannot read NDJSON after line " + line + ": " + e.getMessage(), e);
    }
  }

  private RawMember parse(String text) throws IOException {
    String id = null;
    String email = null;
    String phone = null;
    try (JsonReader json = JsonReader.of(new Buffer().writeUtf8(text))) {
      json.beginObject();
      while (json.hasNext()) {
        int field = json.selectName(NAMES);
        if (field < 0) {
          json.skipName();
          json.skipValue();
          continue;
        }
        String value = json.peek() == JsonReader.Token.NULL ? json.<String>nextNull() : json.nextString();
        if (field == 0) {
          id = value;
        } else if (field == 1) {
          email = value;
        } else {
          phone = value;
        }
      }
      json.endObject();
    } catch (JsonDataException | JsonEncodingException e) {
      // Moshi's messages carry the JSON path, never the value.
      throw new AudienceSyncException("members: NDJSON line " + line + ": " + e.getMessage());
    }
    if (id == null) {
      throw new AudienceSyncException("members: NDJSON line " + line + " has no customer_id");
    }
    return new RawMember(id, email == null || email.isBlank() ? null : email, phone == null || phone.isBlank() ? null : phone);
  }

  @Override
  public RawMember next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RawMember m = next;
    next = null;
    return m;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
