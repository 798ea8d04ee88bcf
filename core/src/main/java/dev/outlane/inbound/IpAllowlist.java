package dev.outlane.inbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which source addresses may call a receiver: a list of CIDR ranges (IPv4 and IPv6), and the
 * proxies whose {@code X-Forwarded-For} is believed.
 *
 * <p><b>The {@code X-Forwarded-For} rule.</b> Anyone can write that header, so it is honoured only
 * when the peer that connected ({@link InboundRequest#remoteAddress()}) is inside a configured
 * trusted-proxy range. Then the header's addresses (every {@code X-Forwarded-For} line, in order,
 * split on commas) are read from the right: each trusted proxy is skipped, and the first address that
 * is not a trusted proxy is the client. If every address is a trusted proxy, the left-most one is
 * the client. A peer outside the trusted ranges is the client itself, and its header is ignored. An
 * unknown peer, or an address in the header that is not an IP literal, fails closed (not permitted).
 * RFC 7239 {@code Forwarded} is not read.
 *
 * <pre>{@code
 * IpAllowlist cio = IpAllowlist.builder()
 *     .allow("34.210.0.0/16", "2600:1f14::/32")   // the sender's published ranges
 *     .trustedProxies("10.0.0.0/8")               // your load balancer
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. No address is ever resolved through DNS: only IP literals are read.
 */
public final class IpAllowlist {
  private final List<Cidr> allowed;
  private final List<Cidr> trustedProxies;

  private IpAllowlist(Builder b) {
    this.allowed = List.copyOf(b.allowed);
    this.trustedProxies = List.copyOf(b.trustedProxies);
  }

  /** A builder with no ranges; at least one allowed range is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the client of {@code request} (see the class rule) is inside an allowed range. */
  public boolean permits(InboundRequest request) {
    InetAddress client = clientAddress(request);
    return client != null && contains(allowed, client);
  }

  /**
   * The client address the class rule picks for {@code request}, or {@code null} if it cannot be
   * known (no peer address, or a value that is not an IP literal).
   */
  public @Nullable InetAddress clientAddress(InboundRequest request) {
    String remote = request.remoteAddress();
    InetAddress peer = remote == null ? null : literal(remote);
    if (peer == null) {
      return null;
    }
    if (!contains(trustedProxies, peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String line : request.headers().getOrDefault("X-Forwarded-For", List.of())) {
      for (String hop : line.split(",", -1)) {
        hops.add(hop.strip());
      }
    }
    InetAddress leftMost = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) {
        return null;
      }
      if (!contains(trustedProxies, hop)) {
        return hop;
      }
      leftMost = hop;
    }
    return leftMost;
  }

  private static boolean contains(List<Cidr> ranges, InetAddress address) {
    for (Cidr c : ranges) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Shows the ranges (network addresses are not personal data). */
  @Override
  public String toString() {
    return "IpAllowlist{allow=" + allowed + ", trustedProxies=" + trustedProxies + "}";
  }

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** Parses an IPv4 or IPv6 literal (brackets allowed) without DNS, or returns null. */
  static @Nullable InetAddress literal(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    try {
      if (IPV4.matcher(s).matches()) {
        for (String octet : s.split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            return null;
          }
        }
        return InetAddress.getByName(s);
      }
      if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) {
        // Brackets make the JDK treat the text as an IPv6 literal only, never as a host name.
        return InetAddress.getByName("[" + s + "]");
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  /** One range, {@code address/prefix}. */
  private record Cidr(String text, byte[] network, int prefix) {
    static Cidr parse(String text) {
      Objects.requireNonNull(text, "cidr");
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      InetAddress parsed = literal(address);
      if (parsed == null) {
        throw new IllegalArgumentException(
            "cidr: not an IPv4 or IPv6 range (address/prefix): \"" + text + "\"");
      }
      byte[] bytes = parsed.getAddress();
      int max = bytes.length * 8;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
          throw new IllegalArgumentException("cidr: prefix must be 0.." + max + " in \"" + text + "\"");
        }
      }
      return new Cidr(text.strip(), bytes, prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** Configures an {@link IpAllowlist}; each range is checked as it is added. Not thread-safe. */
  public static final class Builder {
    private final List<Cidr> allowed = new ArrayList<>();
    private final List<Cidr> trustedProxies = new ArrayList<>();

    private Builder() {}

    /**
     * Adds ranges clients may call from, e.g. {@code 203.0.113.0/24}, {@code 2001:db8::/32}, or a
     * single address.
     *
     * @throws IllegalArgumentException naming a range that is not an IP literal with a valid prefix
     */
    public Builder allow(String... cidrs) {
      for (String c : cidrs) {
        allowed.add(Cidr.parse(c));
      }
      return this;
    }

    /**
     * Adds ranges of proxies in front of the server whose {@code X-Forwarded-For} is believed (see
     * the class rule). None by default: the header is then never read.
     *
     * @throws IllegalArgumentException naming a range that is not an IP literal with a valid prefix
     */
    public Builder trustedProxies(String... cidrs) {
      for (String c : cidrs) {
        trustedProxies.add(Cidr.parse(c));
      }
      return this;
    }

    /** @throws IllegalStateException if no allowed range was added */
    public IpAllowlist build() {
      if (allowed.isEmpty()) {
        throw new IllegalStateException("allow: at least one range is required");
      }
      return new IpAllowlist(this);
    }
  }
}
