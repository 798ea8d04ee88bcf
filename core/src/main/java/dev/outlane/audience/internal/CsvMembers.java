package dev.outlane.audience.internal;

import dev.outlane.audience.AudienceSyncException;
import dev.outlane.audience.MemberSource;
import dev.outlane.audience.RawMember;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/** CSV member reader (RFC 4180 quoting). Not thread-safe. */
public final class CsvMembers implements MemberSource {
  private final BufferedReader reader;
  private final int idColumn;
  private final int emailColumn;
  private final int phoneColumn;
  private long line;
  private @Nullable RawMember next;

  public CsvMembers(Reader reader) {
    this.reader = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader, 1 << 16);
    List<String> header = readRecord();
    if (header == null) {
      throw new AudienceSyncException("members: CSV is empty (expected a header with customer_id)");
    }
    int id = -1;
    int email = -1;
    int phone = -1;
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i).strip().toLowerCase(Locale.ROOT).replace("\uFEFF", "");
      switch (h) {
        case "customer_id":
        case "customerid":
        case "id":
          id = i;
          break;
        case "email":
          email = i;
          break;
        case "phone":
          phone = i;
          break;
        default:
          break;
      }
    }
    if (id < 0) {
      throw new AudienceSyncException("members: CSV header has no customer_id column (found: " + header + ")");
    }
    this.idColumn = id;
    this.emailColumn = email;
    this.phoneColumn = phone;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    while (true) {
      List<String> record = readRecord();
      if (record == null) {
        return false;
      }
      if (record.size() == 1 && record.get(0).isEmpty()) {
        continue; // blank line
      }
      if (idColumn >= record.size()) {
        throw new AudienceSyncException("members: CSV line " + line + " has no customer_id cell");
      }
      next = new RawMember(record.get(idColumn), cell(record, emailColumn), cell(record, phoneColumn));
      return true;
    }
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

  private static @Nullable String cell(List<String> record, int column) {
    if (column < 0 || column >= record.size()) {
      return null;
    }
    String v = record.get(column);
    return v.isBlank() ? null : v;
  }

  private @Nullable List<String> readRecord() {
    try {
      String first = reader.readLine();
      if (first == null) {
        return null;
      }
      line++;
      List<String> cells = new ArrayList<>(4);
      if (first.indexOf('"') < 0) {
        // No quotes (the usual export): the cells are what lies between commas, found without a
        // per-char copy through a StringBuilder.
        int from = 0;
        for (int comma = first.indexOf(','); comma >= 0; comma = first.indexOf(',', from)) {
          cells.add(first.substring(from, comma));
          from = comma + 1;
        }
        cells.add(first.substring(from));
        return cells;
      }
      StringBuilder cell = new StringBuilder();
      String current = first;
      int i = 0;
      boolean quoted = false;
      while (true) {
        if (i >= current.length()) {
          if (quoted) {
            String more = reader.readLine();
            if (more == null) {
              throw new AudienceSyncException("members: CSV line " + line + " has an unterminated quote");
            }
            line++;
            cell.append('\n');
            current = more;
            i = 0;
            continue;
          }
          cells.add(cell.toString());
          return cells;
        }
        char c = current.charAt(i++);
        if (quoted) {
          if (c == '"') {
            if (i < current.length() && current.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            cell.append(c);
          }
        } else if (c == '"' && cell.length() == 0) {
          quoted = true;
        } else if (c == ',') {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
    } catch (IOException e) {
      throw new AudienceSyncException("members: cannot read CSV after line " + line + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
