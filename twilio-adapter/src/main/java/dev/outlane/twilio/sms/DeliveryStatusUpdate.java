package dev.outlane.twilio.sms;

import dev.outlane.Problem;
import dev.outlane.ValidationException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One status change of a sent SMS, from a Twilio status callback ({@code MessageSid}, {@code
 * MessageStatus}, {@code ErrorCode}). The recipient's number, which Twilio also posts, is not kept.
 *
 * <p>Immutable and thread-safe.
 *
 * @param messageSid the message, {@code SM…} (or {@code MM…} for MMS)
 * @param status Twilio's status, lower case: {@code queued}, {@code sent}, {@code delivered}, {@code
 *     undelivered}, {@code failed}, {@code read}, …
 * @param errorCode Twilio's error code for {@code undelivered}/{@code failed} (e.g. {@code 30003}), or
 *     null
 */
public record DeliveryStatusUpdate(String messageSid, String status, @Nullable String errorCode) {
  private static final Pattern STATUS = Pattern.compile("[a-z_]{1,32}");
  private static final Pattern SID = Pattern.compile("[A-Z]{2}[0-9a-fA-F]{32}");
  private static final Pattern ERROR_CODE = Pattern.compile("[0-9]{1,10}");

  public DeliveryStatusUpdate {
    Objects.requireNonNull(messageSid, "messageSid");
    Objects.requireNonNull(status, "status");
  }

  /** True for {@code delivered} (and {@code read}, which implies it). */
  public boolean delivered() {
    return status.equals("delivered") || status.equals("read");
  }

  /** True for the final failures, {@code undelivered} and {@code failed}. */
  public boolean failed() {
    return status.equals("undelivered") || status.equals("failed");
  }

  /**
   * Reads a callback's form parameters. {@code SmsSid}/{@code SmsStatus} (Twilio's older names) are
   * accepted when the {@code Message…} names are absent.
   *
   * @throws ValidationException naming every missing or malformed parameter
   */
  public static DeliveryStatusUpdate fromCallback(Map<String, String> params) {
    String sid = first(params, "MessageSid", "SmsSid");
    String status = first(params, "MessageStatus", "SmsStatus");
    String errorCode = params.get("ErrorCode");
    java.util.List<Problem> problems = new java.util.ArrayList<>();
    if (sid == null) {
      problems.add(new Problem("$.MessageSid", "required"));
    } else if (!SID.matcher(sid).matches()) {
      problems.add(new Problem("$.MessageSid", "not a Twilio SID (two letters and 32 hex digits)"));
    }
    String normalized = status == null ? null : status.strip().toLowerCase(Locale.ROOT);
    if (normalized == null) {
      problems.add(new Problem("$.MessageStatus", "required"));
    } else if (!STATUS.matcher(normalized).matches()) {
      problems.add(new Problem("$.MessageStatus", "not a Twilio message status"));
    }
    if (errorCode != null && errorCode.isBlank()) {
      errorCode = null;
    }
    if (errorCode != null && !ERROR_CODE.matcher(errorCode).matches()) {
      problems.add(new Problem("$.ErrorCode", "not a number"));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return new DeliveryStatusUpdate(Objects.requireNonNull(sid), Objects.requireNonNull(normalized), errorCode);
  }

  private static @Nullable String first(Map<String, String> params, String name, String legacy) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      v = params.get(legacy);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
