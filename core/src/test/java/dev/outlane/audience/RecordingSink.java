package dev.outlane.audience;

import dev.outlane.contract.AudienceAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records every batch and keeps the audience's content; can be told to refuse the Nth call. */
final class RecordingSink implements AudienceSink {
  final List<String> calls = new ArrayList<>();
  final List<HashedMember> sentMembers = new ArrayList<>();
  final Set<String> audienceEmails = new HashSet<>();
  int failOnCall = -1;
  int callCount;

  @Override
  public SinkResult send(List<HashedMember> members, AudienceAction.Action action) {
    callCount++;
    if (callCount == failOnCall) {
      return SinkResult.failed("rate limited", true, null);
    }
    calls.add(action.wireName() + ":" + members.size());
    sentMembers.addAll(members);
    for (HashedMember m : members) {
      if (action == AudienceAction.Action.ADD) {
        audienceEmails.add(m.emailSha256());
      } else {
        audienceEmails.remove(m.emailSha256());
      }
    }
    return SinkResult.accepted(members.size(), members.size() - 1);
  }
}
