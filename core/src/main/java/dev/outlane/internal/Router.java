package dev.outlane.internal;

import dev.outlane.contract.AudienceAction;
import dev.outlane.contract.RetentionEvent;
import dev.outlane.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a submission into its work: one {@link Work} per target of every matching route, marked
 * stale when the event is older than every matching route's window. Immutable, thread-safe.
 */
final class Router {
  private final List<Route> routes;
  private final Map<String, Lane> lanes;
  private final WorkFactory works;

  Router(List<Route> routes, Map<String, Lane> lanes, WorkFactory works) {
    this.routes = List.copyOf(routes);
    this.lanes = lanes;
    this.works = works;
  }

  /**
   * Builds the event's work per matched route target, adds it to {@code sub} and seals it; starts
   * nothing. A target is stale ({@link Work#stale}) when the event is out of its route's window and
   * of every other matching windowed route's; in another route's window it is not applicable.
   *
   * @return the work to start (stale work included, for the caller to end)
   */
  List<Work> route(Submission sub, Duration age) {
    RetentionEvent event = sub.event;
    List<Route> matched = new ArrayList<>(2);
    boolean anyWindowedIn = false;
    for (Route r : routes) {
      if (r.matches(event)) {
        matched.add(r);
        if (r.windowed() && r.inWindow(age)) {
          anyWindowedIn = true;
        }
      }
    }
    AudienceAction.Action action =
        event.audience() == null ? AudienceAction.Action.ADD : event.audience().action();
    List<Work> toStart = new ArrayList<>();
    synchronized (sub) {
      for (Route r : matched) {
        for (Route.Target t : r.targets()) {
          Lane lane = lanes.get(t.destination());
          Work w = works.create(sub, lane, t, action, event);
          sub.works.add(w);
          sub.open++;
          if (r.inWindow(age)) {
            toStart.add(w);
          } else if (!anyWindowedIn) {
            toStart.add(w);
            w.stale = true;
          } else {
            // In another route's window: not applicable here, not stale either.
            sub.works.remove(sub.works.size() - 1);
            sub.open--;
          }
        }
      }
      sub.unrouted = matched.isEmpty();
      sub.sealed = true;
    }
    return toStart;
  }

  /**
   * Unprepared work (never sent) for every target of every route naming the event, matched by
   * event name alone, as the event may be too broken to match on more: what an event that cannot
   * be processed is dead-lettered at. Whatever the event's accessors throw propagates.
   */
  List<Work> byEventName(Submission sub) {
    RetentionEvent event = sub.event;
    AudienceAction.Action action = AudienceAction.Action.ADD;
    if (event.audience() != null) {
      action = event.audience().action();
    }
    List<Work> found = new ArrayList<>();
    for (Route r : routes) {
      if (!r.event().equals(event.eventName())) {
        continue;
      }
      for (Route.Target t : r.targets()) {
        found.add(works.create(sub, lanes.get(t.destination()), t, action, event, null, false));
      }
    }
    return found;
  }
}
