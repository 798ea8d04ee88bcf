package dev.outlane.contract;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The compatibility rule of contract v1, as a check of the JSON Schema a release ships against a
 * committed baseline: within major version 1 a change may only widen what is accepted.
 *
 * <ul>
 *   <li>no field of the baseline is removed or renamed (a rename is a removal plus an addition);
 *   <li>no field becomes required;
 *   <li>no type or enum narrows ({@code type} and {@code enum} of the new schema contain the old);
 *   <li>any other constraint ({@code pattern}, lengths, bounds, {@code format}, {@code $ref},
 *       {@code if}/{@code then}, …) is unchanged: a changed constraint changes what a field means
 *       and needs a new major version; an {@code anyOf} may gain alternatives, not lose one;
 *   <li>a new (optional) field needs a higher minor version than the baseline's.
 * </ul>
 *
 * <p>Descriptions, titles and examples may change. Test support, not thread-safe.
 */
final class SchemaCompatibility {
  private static final Set<String> DOCUMENTATION =
      Set.of("description", "title", "examples", "$id", "$schema");

  private final List<String> problems = new ArrayList<>();
  private final List<String> added = new ArrayList<>();

  private SchemaCompatibility() {}

  /**
   * The problems of {@code current} (declaring {@code currentVersion}) against {@code baseline}
   * (of {@code baselineVersion}), one line each naming the JSON path; empty if compatible.
   */
  static List<String> check(Map<?, ?> baseline, String baselineVersion, Map<?, ?> current,
      String currentVersion) {
    SchemaCompatibility c = new SchemaCompatibility();
    c.compare("$", baseline, current);
    if (!c.added.isEmpty() && minor(currentVersion) <= minor(baselineVersion)) {
      c.problems.add("new optional field(s) " + c.added + " need a schema_version above "
          + baselineVersion + " (current " + currentVersion + ")");
    }
    return c.problems;
  }

  private static int minor(String version) {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }

  private void compare(String path, Map<?, ?> old, Map<?, ?> now) {
    for (Map.Entry<?, ?> e : old.entrySet()) {
      String key = (String) e.getKey();
      Object was = e.getValue();
      Object is = now.get(key);
      if (DOCUMENTATION.contains(key)) {
        continue;
      }
      switch (key) {
        case "properties", "$defs" -> members(path, key, (Map<?, ?>) was, is);
        case "required" -> {
          Set<Object> newlyRequired = new LinkedHashSet<>(list(is));
          newlyRequired.removeAll(list(was));
          if (!newlyRequired.isEmpty()) {
            problems.add(path + ": newly required " + newlyRequired);
          }
        }
        case "type", "enum" -> {
          if (!list(is).containsAll(list(was))) {
            problems.add(path + ": " + key + " narrowed from " + list(was) + " to " + list(is));
          }
        }
        case "anyOf" -> {
          for (Object alternative : list(was)) {
            if (!list(is).contains(alternative)) {
              problems.add(path + ": anyOf lost or changed the alternative " + alternative);
            }
          }
        }
        case "items" -> {
          if (is instanceof Map<?, ?> items) {
            compare(path + "[]", (Map<?, ?>) was, items);
          } else {
            problems.add(path + ": items removed");
          }
        }
        default -> {
          if (!Objects.equals(was, is)) {
            problems.add(path + ": constraint " + key + " changed from " + was + " to " + is
                + " (a change of meaning needs a new major version)");
          }
        }
      }
    }
    for (Object key : now.keySet()) {
      if (!old.containsKey(key) && !DOCUMENTATION.contains((String) key)) {
        if (key.equals("properties")) {
          ((Map<?, ?>) now.get(key)).keySet().forEach(name -> added.add(path + "." + name));
        } else if (!key.equals("$defs")) {
          problems.add(path + ": new constraint " + key + " (narrows what v1 accepted)");
        }
      }
    }
  }

  private void members(String path, String keyword, Map<?, ?> old, Object now) {
    Map<?, ?> current = now instanceof Map<?, ?> m ? m : Map.of();
    String prefix = keyword.equals("$defs") ? path + ".$defs." : path + ".";
    for (Map.Entry<?, ?> e : old.entrySet()) {
      Object is = current.get(e.getKey());
      if (is == null) {
        problems.add(prefix + e.getKey() + ": removed or renamed");
      } else {
        compare(prefix + e.getKey(), (Map<?, ?>) e.getValue(), (Map<?, ?>) is);
      }
    }
    if (keyword.equals("properties")) {
      for (Object name : current.keySet()) {
        if (!old.containsKey(name)) {
          added.add(prefix + name);
        }
      }
    }
  }

  private static Collection<?> list(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> l ? l : List.of(value);
  }
}
