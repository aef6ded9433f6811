/**
 * The HTTP scoring server for one logistic-regression model: {@link dev.logreg.server.ScoringServer} (start, stop),
 * {@link dev.logreg.server.ServerConfig} (limits and timeouts), {@link dev.logreg.server.PredictRequestParser} (the
 * {@code /predict} body, a pure function for fuzzing) and {@link dev.logreg.server.RequestException} (its refusals).
 *
 * <p>Why Jetty 12 (core handlers, no servlets) and not the JDK's {@code com.sun.net.httpserver}, which the server
 * used before: the JDK server reads every request with blocking I/O on a pool thread and has no header or body
 * timeout, so a few clients that send one byte each hold every thread (its only timeouts are JVM-wide system
 * properties); it answers malformed headers with its own HTML page and an oversized body sent in full with a
 * connection reset. Hardening it means rewriting its connection handling. Jetty's connections are non-blocking (a
 * trickling client costs a buffer, not a thread), its error answers can be replaced, and, measured with
 * {@code benchmarks/serve/run-scoring.sh} in one run beside the JDK server doing the same work, it is level with it
 * (median ratio 1.08 for one-row requests on a shared 2-core machine; figures: {@code server/README.md}). Jetty is small here (jetty-server, -http, -io, -util:
 * about 2 MB), maintained by the Eclipse Foundation, and needs no JVM flags.
 */
package dev.logreg.server;
