package dev.outlane.ads.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/** Groups a batch's item indices by request key, keeping order. Stateless. */
public final class Batches {
  private Batches() {}

  /** Indices 0..size-1 whose key is non-null, grouped by key in first-seen order. */
  public static Map<String, List<Integer>> group(int size, IntFunction<@Nullable String> key) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      String k = key.apply(i);
      if (k != null) {
        groups.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
      }
    }
    return groups;
  }

  /** {@code indices} split into consecutive slices of at most {@code max}. */
  public static List<List<Integer>> slices(List<Integer> indices, int max) {
    List<List<Integer>> out = new ArrayList<>();
    for (int from = 0; from < indices.size(); from += max) {
      out.add(indices.subList(from, Math.min(indices.size(), from + max)));
    }
    return out;
  }

  /** Whether {@code s} is 64 lower-case hex digits. */
  public static boolean isSha256Hex(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
