/**
 * The sidecar HTTP server: the OPA-compatible Data API, health and Prometheus metrics.
 *
 * <p>Contains no policy logic: requests are mapped to {@link dev.verdict.Request}, identities
 * verified through {@code identity}, decisions made by {@code engine}, answers written as JSON.
 */
package dev.verdict.sidecar;
