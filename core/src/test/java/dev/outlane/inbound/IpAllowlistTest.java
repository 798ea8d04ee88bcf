package dev.outlane.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class IpAllowlistTest {
  private static InboundRequest.Builder from(String peer) {
    return InboundRequest.builder("POST", URI.create("https://hooks.example.com/cio")).remoteAddress(peer);
  }

  @Test
  void ipv4AndIpv6RangesMatchByPrefix() {
    IpAllowlist list = IpAllowlist.builder().allow("203.0.113.0/25", "2001:db8:ab00::/40", "198.51.100.7").build();

    assertThat(list.permits(from("203.0.113.127").build())).isTrue();
    assertThat(list.permits(from("203.0.113.128").build())).isFalse();
    assertThat(list.permits(from("2001:db8:abff::1").build())).isTrue();
    assertThat(list.permits(from("2001:db8:ac00::1").build())).isFalse();
    assertThat(list.permits(from("198.51.100.7").build())).isTrue();
    assertThat(list.permits(from("198.51.100.8").build())).isFalse();
    assertThat(list.permits(from("::ffff:203.0.113.5").build())).isTrue();
  }

  @Test
  void xForwardedForIsIgnoredUnlessThePeerIsATrustedProxy() {
    IpAllowlist list = IpAllowlist.builder().allow("203.0.113.0/24").trustedProxies("10.0.0.0/8").build();

    // An untrusted peer forging the header is itself the client.
    assertThat(list.permits(from("198.51.100.1").header("X-Forwarded-For", "203.0.113.5").build()))
        .isFalse();
    assertThat(list.permits(from("10.1.2.3").header("X-Forwarded-For", "203.0.113.5").build())).isTrue();
  }

  @Test
  void theRightMostUntrustedAddressIsTheClient() {
    IpAllowlist list = IpAllowlist.builder().allow("203.0.113.0/24").trustedProxies("10.0.0.0/8").build();

    // The caller prepended an allowed address; the right-most untrusted hop is what the proxy saw.
    InboundRequest spoofed = from("10.0.0.2")
        .header("X-Forwarded-For", "203.0.113.5, 198.51.100.9")
        .header("X-Forwarded-For", "10.0.0.1")
        .build();
    assertThat(list.clientAddress(spoofed).getHostAddress()).isEqualTo("198.51.100.9");
    assertThat(list.permits(spoofed)).isFalse();

    InboundRequest chained = from("10.0.0.2").header("X-Forwarded-For", "198.51.100.9, 203.0.113.5, 10.0.0.1").build();
    assertThat(list.clientAddress(chained).getHostAddress()).isEqualTo("203.0.113.5");
    assertThat(list.permits(chained)).isTrue();
  }

  @Test
  void aMalformedHopOrAnUnknownPeerFailsClosed() {
    IpAllowlist list = IpAllowlist.builder().allow("0.0.0.0/0", "::/0").trustedProxies("10.0.0.0/8").build();

    assertThat(list.permits(from("10.0.0.2").header("X-Forwarded-For", "evil.example.com").build())).isFalse();
    assertThat(list.permits(from("10.0.0.2").header("X-Forwarded-For", "").build())).isFalse();
    assertThat(list.permits(InboundRequest.builder("POST", URI.create("https://h/")).build())).isFalse();
    assertThat(list.permits(from("not-an-ip").build())).isFalse();
    assertThat(list.permits(from("[2001:db8::1]").build())).isTrue();
  }

  @Test
  void rangesAreCheckedAsTheyAreAdded() {
    assertThatThrownBy(() -> IpAllowlist.builder().allow("203.0.113.0/33"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cidr: prefix must be 0..32 in \"203.0.113.0/33\"");
    assertThatThrownBy(() -> IpAllowlist.builder().allow("example.com/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cidr: not an IPv4 or IPv6 range (address/prefix): \"example.com/24\"");
    assertThatThrownBy(() -> IpAllowlist.builder().allow("256.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cidr: not an IPv4 or IPv6 range (address/prefix): \"256.0.0.1\"");
    assertThatThrownBy(() -> IpAllowlist.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("allow: at least one range is required");
  }
}
