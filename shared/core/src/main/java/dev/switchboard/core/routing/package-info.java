/**
 * Choosing and calling the upstream for a request, in two steps a reader can take one at a time.
 *
 * <p>Planning, once per request, before anything is sent: {@link
 * dev.switchboard.core.routing.RoutePlanner} turns the request into a {@link
 * dev.switchboard.core.routing.RoutePlan}, using {@code NameResolver} (aliases, pools and canonical
 * ids; the operator's rules are resolved at start, after {@code RoutingConfigCheck} has checked
 * them against the catalogue), {@code EndpointFilter} (the request's provider preferences) and
 * {@code EndpointOrder} (sort, provider order, open circuits last).
 *
 * <p>Running the plan: {@link dev.switchboard.core.routing.Router} holds the attempt loop; {@code
 * AttemptRunner} makes one call and records it, under an {@code AttemptWatch} (the lock, timer and
 * keep-alives of that call); {@code Failover} decides, as a pure function of the failure, whether
 * to retry, move on or fail; {@code Deadlines} is the request-wide clock across attempts; {@code
 * StreamTally} (in {@code core.chat}) counts what each attempt generated, by the one rule the bill
 * uses too. {@link dev.switchboard.core.routing.ProviderHealth} is what every attempt teaches the
 * next plan.
 */
package dev.switchboard.core.routing;
