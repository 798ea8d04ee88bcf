package dev.outlane.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberSourceTest {
  private static List<RawMember> all(MemberSource source) {
    List<RawMember> list = new ArrayList<>();
    source.forEachRemaining(list::add);
    return list;
  }

  @Test
  void csvReadsHeaderColumnsInAnyOrderWithQuotesAndEmptyCells() {
    MemberSource source = MemberSource.csv(new StringReader(
        "phone,customer_id,email\n+14155550123,c1,\"a,b\"\"@example.com\"\n,c2,b@example.com\n\n,c3,\n"));

    assertThat(all(source)).containsExactly(
        new RawMember("c1", "a,b\"@example.com", "+14155550123"),
        new RawMember("c2", "b@example.com", null),
        new RawMember("c3", null, null));
  }

  @Test
  void csvWithoutACustomerIdColumnIsRefused() {
    assertThatThrownBy(() -> MemberSource.csv(new StringReader("email,phone\n")))
        .isInstanceOf(AudienceSyncException.class)
        .hasMessage("members: CSV header has no customer_id column (found: [email, phone])");
  }

  @Test
  void ndjsonReadsOneObjectPerLineAndIgnoresOtherFields() {
    MemberSource source = MemberSource.ndjson(new StringReader(
        "{\"customer_id\":\"c1\",\"email\":\"a@example.com\",\"plan\":\"gold\"}\n\n{\"customer_id\":\"c2\",\"phone\":\"+14155550123\",\"email\":null}\n"));

    assertThat(all(source)).containsExactly(
        new RawMember("c1", "a@example.com", null), new RawMember("c2", null, "+14155550123"));
  }

  @Test
  void ndjsonErrorsNameTheLineButNotTheContent() {
    MemberSource source = MemberSource.ndjson(new StringReader("{\"email\":\"secret@example.com\"}\n"));

    assertThatThrownBy(source::hasNext)
        .isInstanceOf(AudienceSyncException.class)
        .hasMessage("members: NDJSON line 1 has no customer_id");
  }

  @Test
  void rawMembersRedactEmailAndPhone() {
    assertThat(new RawMember("c1", "a@example.com", "+14155550123").toString())
        .isEqualTo("RawMember{customerId=c1, email=<redacted>, phone=<redacted>}");
  }
}
