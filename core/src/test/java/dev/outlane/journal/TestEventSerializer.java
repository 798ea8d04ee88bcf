package dev.outlane.journal;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.Commerce;
import dev.outlane.contract.Consent;
import dev.outlane.contract.ConsentStatus;
import dev.outlane.contract.RetentionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compact binary {@link EventSerializer} for tests and benchmarks, standing in for the contract's
 * JSON codec. Round-trips every field; property values may be strings, booleans, longs or null.
 * Stateless and thread-safe.
 */
public final class TestEventSerializer implements EventSerializer {
  public static final TestEventSerializer INSTANCE = new TestEventSerializer();

  @Override
  public byte[] write(RetentionEvent e) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(e.schemaVersion());
      out.writeUTF(e.eventId());
      out.writeUTF(e.eventName());
      out.writeUTF(e.source());
      out.writeUTF(e.customerId());
      out.writeLong(e.eventTime().getEpochSecond());
      out.writeInt(e.eventTime().getNano());
      writeNullable(out, e.email());
      writeNullable(out, e.phone());
      AudienceAction audience = e.audience();
      out.writeBoolean(audience != null);
      if (audience != null) {
        out.writeUTF(audience.name());
        out.writeUTF(audience.action().name());
      }
      Commerce commerce = e.commerce();
      out.writeBoolean(commerce != null);
      if (commerce != null) {
        BigDecimal value = commerce.cartValue();
        writeNullable(out, value == null ? null : value.toPlainString());
        writeNullable(out, commerce.currency());
        out.writeInt(commerce.skus().size());
        for (String sku : commerce.skus()) {
          out.writeUTF(sku);
        }
        writeNullable(out, commerce.orderId());
      }
      out.writeUTF(e.consent().sms().name());
      out.writeUTF(e.consent().email().name());
      out.writeUTF(e.consent().ads().name());
      out.writeInt(e.properties().size());
      for (Map.Entry<String, @Nullable Object> p : e.properties().entrySet()) {
        out.writeUTF(p.getKey());
        Object v = p.getValue();
        if (v == null) {
          out.writeByte(0);
        } else if (v instanceof String s) {
          out.writeByte(1);
          out.writeUTF(s);
        } else if (v instanceof Boolean b) {
          out.writeByte(2);
          out.writeBoolean(b);
        } else if (v instanceof Long l) {
          out.writeByte(3);
          out.writeLong(l);
        } else {
          throw new IllegalArgumentException("unsupported property type " + v.getClass());
        }
      }
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return bytes.toByteArray();
  }

  @Override
  public RetentionEvent read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      RetentionEvent.Builder b = RetentionEvent.builder()
          .schemaVersion(in.readUTF())
          .eventId(in.readUTF())
          .eventName(in.readUTF())
          .source(in.readUTF())
          .customerId(in.readUTF())
          .eventTime(Instant.ofEpochSecond(in.readLong(), in.readInt()))
          .email(readNullable(in))
          .phone(readNullable(in));
      if (in.readBoolean()) {
        b.audience(in.readUTF(), AudienceAction.Action.valueOf(in.readUTF()));
      }
      if (in.readBoolean()) {
        String value = readNullable(in);
        String currency = readNullable(in);
        int n = in.readInt();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          skus.add(in.readUTF());
        }
        b.commerce(new Commerce(value == null ? null : new BigDecimal(value), currency, skus,
            readNullable(in)));
      }
      b.consent(new Consent(ConsentStatus.valueOf(in.readUTF()),
          ConsentStatus.valueOf(in.readUTF()), ConsentStatus.valueOf(in.readUTF())));
      int n = in.readInt();
      Map<String, @Nullable Object> properties = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String key = in.readUTF();
        byte kind = in.readByte();
        properties.put(key, switch (kind) {
          case 0 -> null;
          case 1 -> in.readUTF();
          case 2 -> in.readBoolean();
          case 3 -> in.readLong();
          default -> throw new IllegalArgumentException("unknown property kind " + kind);
        });
      }
      return b.properties(properties).build();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  private static void writeNullable(DataOutputStream out, @Nullable String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static @Nullable String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
