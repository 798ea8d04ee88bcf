package dev.outlane.twilio.internal;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Formats an {@link Instant} exactly as {@link java.time.format.DateTimeFormatter#ISO_INSTANT} does
 * ({@code 2026-11-29T17:45:30Z}, {@code 2026-11-29T17:45:30.120Z}), for years 0000–9999, without the
 * formatter's per-call allocations: serializing a 2,500-event batch formats 2,500 timestamps, and
 * {@code ISO_INSTANT} was a third of the per-event cost. Other years fall back to {@code ISO_INSTANT}.
 *
 * <p>Stateless and thread-safe.
 */
public final class IsoInstant {
  private static final long SECONDS_PER_DAY = 86_400;
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private IsoInstant() {}

  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return java.time.format.DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    LocalDate date = LocalDate.ofEpochDay(day);
    int nanos = instant.getNano();
    char[] out = new char[nanos == 0 ? 20 : 30];
    int year = date.getYear();
    put(out, 0, year / 100);
    put(out, 2, year % 100);
    out[4] = '-';
    put(out, 5, date.getMonthValue());
    out[7] = '-';
    put(out, 8, date.getDayOfMonth());
    out[10] = 'T';
    put(out, 11, secOfDay / 3600);
    out[13] = ':';
    put(out, 14, secOfDay / 60 % 60);
    out[16] = ':';
    put(out, 17, secOfDay % 60);
    int pos = 19;
    if (nanos != 0) {
      // ISO_INSTANT prints 3, 6 or 9 fraction digits: as few groups of three as the value needs.
      int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
      int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
      out[pos++] = '.';
      for (int i = digits - 1; i >= 0; i--) {
        out[pos + i] = (char) ('0' + value % 10);
        value /= 10;
      }
      pos += digits;
    }
    out[pos++] = 'Z';
    return new String(out, 0, pos);
  }

  private static void put(char[] out, int at, int twoDigits) {
    out[at] = (char) ('0' + twoDigits / 10);
    out[at + 1] = (char) ('0' + twoDigits % 10);
  }
}
