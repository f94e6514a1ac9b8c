/**
 * Vert.x adapters: the vertx-web handler services add to their router, the PDP verticle that
 * answers on the event bus, and the JSON forms of requests and decisions.
 *
 * <p>Contains no policy logic: it verifies identity through {@code identity} and decides through
 * {@code engine}.
 */
package dev.verdict.vertx;
