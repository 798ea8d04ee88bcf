package dev.outlane.twilio.internal;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The fields of Twilio's error JSON ({@code {"code":21211,"message":"…","more_info":"…","status":400}})
 * that classification needs. {@code message} is deliberately not kept: Twilio puts the recipient's
 * number in it ("The 'To' number +1… is not a valid phone number"), and it must not reach a reason.
 *
 * @param code Twilio's error code, or null if the body had none (or was not JSON)
 * @param moreInfo the documentation link, or null
 */
public record TwilioErrorBody(@Nullable Integer code, @Nullable String moreInfo) {
  private static final JsonReader.Options NAMES = JsonReader.Options.of("code", "more_info");

  /** Parses {@code body}; anything unreadable yields an empty result, never an exception. */
  public static TwilioErrorBody parse(@Nullable String body) {
    if (body == null || body.isBlank()) {
      return new TwilioErrorBody(null, null);
    }
    Integer code = null;
    String moreInfo = null;
    try (JsonReader reader = JsonReader.of(new Buffer().writeUtf8(body))) {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return new TwilioErrorBody(null, null);
      }
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.selectName(NAMES)) {
          case 0 -> {
            if (reader.peek() == JsonReader.Token.NUMBER) {
              code = reader.nextInt();
            } else {
              reader.skipValue();
            }
          }
          case 1 -> {
            if (reader.peek() == JsonReader.Token.STRING) {
              moreInfo = reader.nextString();
            } else {
              reader.skipValue();
            }
          }
          default -> {
            reader.skipName();
            reader.skipValue();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // A proxy's HTML error page or a truncated body: classify on the status alone.
      return new TwilioErrorBody(code, moreInfo);
    }
    return new TwilioErrorBody(code, moreInfo);
  }
}
