/**
 * The decision function: (compiled package, request, verified identity) → decision. Pure and
 * allocation-light; safe to call from any thread, including an event loop.
 *
 * <p>Must not block, log, read a clock, touch the network or import Vert.x; an architecture test
 * enforces this.
 */
package dev.verdict.eval;
