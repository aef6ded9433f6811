package dev.logreg.bench.serve;

import dev.logreg.server.ScoringServer;
import dev.logreg.server.ServerConfig;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scoring path, measured two ways (benchmarks/serve/run-scoring.sh runs it and keeps the output):
 *
 * <ol>
 *   <li>In-process batch scoring: {@link LogisticModel#predictProbability(float[], double[])} over a row-major
 *       {@code rows x cols} float32 batch (default 1,000,000 x 100, 400 MB), beside a plain Java read of the same
 *       floats (8 independent float64 sums, so the read is not bound by one add chain): the memory ceiling one
 *       thread reaches. Both single-threaded, best of {@code --reps}; rows/s, GB/s and their ratio.</li>
 *   <li>{@code POST /predict} over loopback: a {@link ScoringServer} in this JVM, a load generator of
 *       {@code --workers} threads, each with its own {@link HttpClient} (HTTP/1.1, keep-alive), sending a fixed
 *       number of requests of 1 row and of 100 rows (bodies prepared beforehand); requests/s, rows/s, latency
 *       p50/p99. Client and server share the machine's cores, so this is a lower bound for a server on its own.
 *       Beside it, in the same run, its peer {@link JdkHttpServerBaseline}: the JDK's HttpServer as logreg's server
 *       used it before, doing the same parsing and scoring. Both are warmed up first (half the requests of a round,
 *       untimed), then {@code --rounds} rounds, the two alternating which goes first (the machine may be shared);
 *       the ratio of their requests/s per round closes the output.</li>
 * </ol>
 *
 * Options: {@code --rows N --cols N --reps N --workers N --requests-1 N --requests-100 N --server-threads N --rounds N};
 * {@code --rows 0} leaves out the in-process part.
 * Seeds are fixed (data and model from {@code SplittableRandom(2026)}).
 */
public final class ScoringBenchmark {
    private ScoringBenchmark() {}

    /** Runs the benchmark; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000, cols = 100, reps = 5, workers = 8, requests1 = 20_000, requests100 = 4_000;
        int serverThreads = Runtime.getRuntime().availableProcessors();
        int rounds = 2;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--rows": rows = v; break;
                case "--cols": cols = v; break;
                case "--reps": reps = v; break;
                case "--workers": workers = v; break;
                case "--requests-1": requests1 = v; break;
                case "--requests-100": requests100 = v; break;
                case "--server-threads": serverThreads = v; break;
                case "--rounds": rounds = v; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SplittableRandom r = new SplittableRandom(2026);
        double[] theta = new double[cols];
        for (int j = 0; j < cols; j++) theta[j] = r.nextGaussian() * 0.1;
        LogisticModel model = new LogisticModel(theta, 0.25, true, null);
        float[] x = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();

        if (rows > 0) {
            System.out.printf(Locale.ROOT, "# in-process batch scoring: %,d rows x %d float32 features (%.1f MB), 1 thread, best of %d%n",
                    rows, cols, x.length * 4.0 / 1e6, reps);
            double[] out = new double[rows];
            double bestScore = Double.MAX_VALUE, bestRead = Double.MAX_VALUE;
            double sink = 0;
            for (int rep = 0; rep < reps + 2; rep++) { // the first two are JIT warm-up
                long t0 = System.nanoTime();
                model.predictProbability(x, out);
                long t1 = System.nanoTime();
                sink += out[rep % rows];
                sink += read(x);
                long t2 = System.nanoTime();
                if (rep >= 2) {
                    bestScore = Math.min(bestScore, (t1 - t0) / 1e9);
                    bestRead = Math.min(bestRead, (t2 - t1) / 1e9);
                }
            }
            double gb = x.length * 4.0 / 1e9;
            System.out.printf(Locale.ROOT, "scoring  LogisticModel.predictProbability(float[], double[]): %8.3f s  %,14.0f rows/s  %6.2f GB/s%n",
                    bestScore, rows / bestScore, gb / bestScore);
            System.out.printf(Locale.ROOT, "ceiling  plain Java read of the same floats (8 sums):        %8.3f s  %,14.0f rows/s  %6.2f GB/s%n",
                    bestRead, rows / bestRead, gb / bestRead);
            System.out.printf(Locale.ROOT, "ratio    scoring / read: %.2f   (checksum %.3e)%n", bestRead / bestScore, sink);
        }
        x = null; // the HTTP part needs only a few rows; let the 400 MB go

        SavedModel saved = new SavedModel(model, LabelMapping.ZERO_ONE, null, "benchmark", "none", Double.NaN, Status.CONVERGED_GRADIENT,
                "synthetic model for the benchmark", 0, 0, null, null);
        ServerConfig limits = ServerConfig.DEFAULT.withThreads(serverThreads);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ScoringServer server = ScoringServer.start(saved, loopback, limits, null);
             JdkHttpServerBaseline jdk = new JdkHttpServerBaseline(model, loopback, serverThreads)) {
            String[] names = {"logreg-server (Jetty 12)", "JDK HttpServer (peer)"};
            URI[] uris = {URI.create("http://127.0.0.1:" + server.port() + "/predict"), URI.create("http://127.0.0.1:" + jdk.port() + "/predict")};
            System.out.printf(Locale.ROOT, "%n# POST /predict over loopback: each server in-process (%d request threads), %d client workers (HttpClient,"
                    + " HTTP/1.1), %d cores in all; %d rounds, the two servers alternating first%n",
                    serverThreads, workers, Runtime.getRuntime().availableProcessors(), rounds);
            int[] batches = {1, 100};
            // Untimed, before round 1: both servers' code compiled by the JIT (Jetty's path is longer than the JDK
            // server's; without this, whichever runs first in round 1 pays for its warm-up inside the measurement).
            for (int s = 0; s < 2; s++) {
                for (int batch : batches) {
                    List<byte[]> bodies = new ArrayList<>();
                    for (int k = 0; k < 64; k++) bodies.add(body(r, batch, cols));
                    load(uris[s], bodies, workers, batch == 1 ? requests1 / 2 : requests100 / 2);
                }
            }
            double[][][] perSecond = new double[batches.length][2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int b = 0; b < batches.length; b++) {
                    int batch = batches[b];
                    int requests = batch == 1 ? requests1 : requests100;
                    List<byte[]> bodies = new ArrayList<>();
                    for (int k = 0; k < 64; k++) bodies.add(body(r, batch, cols));
                    for (int turn = 0; turn < 2; turn++) {
                        int s = (turn + round) % 2;
                        load(uris[s], bodies, workers, Math.max(200, requests / 10)); // warm-up: JIT and connections
                        Result res = load(uris[s], bodies, workers, requests);
                        perSecond[b][s][round] = requests / res.seconds;
                        System.out.printf(Locale.ROOT, "round %d  %-26s batch %3d rows: %,7d requests in %6.2f s  %,10.0f requests/s  %,12.0f rows/s  "
                                        + "latency p50 %.2f ms  p99 %.2f ms  errors %d%n",
                                round + 1, names[s], batch, requests, res.seconds, requests / res.seconds, (double) requests * batch / res.seconds,
                                res.p50Millis, res.p99Millis, res.errors);
                    }
                }
            }
            for (int b = 0; b < batches.length; b++) {
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) ratios[round] = perSecond[b][0][round] / perSecond[b][1][round];
                System.out.printf(Locale.ROOT, "ratio    batch %3d rows: logreg-server / JDK HttpServer requests/s per round: %s%n",
                        batches[b], Arrays.toString(Arrays.stream(ratios).map(v -> Math.round(v * 100) / 100.0).toArray()));
            }
        }
    }

    /** Reads every float once into 8 independent float64 sums (no one add chain to wait on). */
    private static double read(float[] x) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= x.length; i += 8) {
            s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3];
            s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7];
        }
        for (; i < x.length; i++) s0 += x[i];
        return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }

    private static byte[] body(SplittableRandom r, int rows, int cols) {
        StringBuilder sb = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < cols; j++) sb.append(j == 0 ? "" : ",").append((float) r.nextGaussian());
            sb.append(']');
        }
        return sb.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private record Result(double seconds, double p50Millis, double p99Millis, int errors) {
    }

    /** Sends {@code requests} requests from {@code workers} threads, as fast as answers come back. */
    private static Result load(URI uri, List<byte[]> bodies, int workers, int requests) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long[] latency = new long[requests];
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(() -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
                    int k;
                    while ((k = next.getAndIncrement()) < requests) {
                        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(k % bodies.size()))).build();
                        long s = System.nanoTime();
                        try {
                            HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                            if (resp.statusCode() != 200 || resp.body().length == 0) errors.incrementAndGet();
                        } catch (java.io.IOException e) {
                            errors.incrementAndGet();
                        }
                        latency[k] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(latency);
            return new Result(seconds, latency[requests / 2] / 1e6, latency[(int) Math.min(requests - 1, Math.ceil(requests * 0.99) - 1)] / 1e6, errors.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
