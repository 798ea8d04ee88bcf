package dev.outlane.audience.internal;

import java.util.Properties;

/**
 * The manifest of a pending sync ({@code pending/manifest.properties}): the counts of its diff and
 * the batch size its send journal was written with (a resumed sync keeps its batch boundaries).
 *
 * <p>Format: a {@link Properties} file, ISO-8859-1 with escapes, keys {@code members}, {@code
 * normalized}, {@code adds}, {@code removes}, {@code unchanged}, {@code changed}, {@code
 * suppressed}, {@code duplicates}, {@code invalid}, {@code previousSize}, {@code targetSize},
 * {@code batchSize} and one {@code invalid.<reason>} per reason. Unversioned: a key added later
 * must default to 0 when absent, which {@link #fromProperties} does for every count.
 *
 * @param counts the diff (read back, {@code reasons} included)
 * @param batchSize members per batch
 */
public record Manifest(DiffCounts counts, int batchSize) {
  private static final String REASON = "invalid.";

  Properties toProperties() {
    DiffCounts c = counts;
    Properties p = new Properties();
    p.setProperty("members", Long.toString(c.members));
    p.setProperty("normalized", Long.toString(c.normalized));
    p.setProperty("adds", Long.toString(c.adds));
    p.setProperty("removes", Long.toString(c.removes));
    p.setProperty("unchanged", Long.toString(c.unchanged));
    p.setProperty("changed", Long.toString(c.changed));
    p.setProperty("suppressed", Long.toString(c.suppressed));
    p.setProperty("duplicates", Long.toString(c.duplicates));
    p.setProperty("invalid", Long.toString(c.invalid));
    p.setProperty("previousSize", Long.toString(c.previousSize));
    p.setProperty("targetSize", Long.toString(c.targetSize));
    p.setProperty("batchSize", Integer.toString(batchSize));
    c.reasons.forEach((reason, n) -> p.setProperty(REASON + reason, Long.toString(n)));
    return p;
  }

  static Manifest fromProperties(Properties m) {
    DiffCounts c = new DiffCounts();
    c.members = num(m, "members");
    c.normalized = num(m, "normalized");
    c.adds = num(m, "adds");
    c.removes = num(m, "removes");
    c.unchanged = num(m, "unchanged");
    c.changed = num(m, "changed");
    c.suppressed = num(m, "suppressed");
    c.duplicates = num(m, "duplicates");
    c.previousSize = num(m, "previousSize");
    c.targetSize = num(m, "targetSize");
    for (String name : m.stringPropertyNames()) {
      if (name.startsWith(REASON)) {
        c.reasons.put(name.substring(REASON.length()), Long.parseLong(m.getProperty(name)));
      }
    }
    c.invalid = num(m, "invalid");
    return new Manifest(c, Integer.parseInt(m.getProperty("batchSize")));
  }

  private static long num(Properties p, String name) {
    return Long.parseLong(p.getProperty(name, "0"));
  }
}
