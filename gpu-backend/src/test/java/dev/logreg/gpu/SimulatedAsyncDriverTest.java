package dev.logreg.gpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.testing.SimulatedGpu;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * simcuda's asynchronous driver calls (simcuda_streams.h): work on a stream is queued and runs only at a
 * synchronization point, so that host code racing the device fails here at every run. A pinned staging buffer refilled
 * before its copy was waited for must upload the NEW bytes; with the copy's event waited for in between, the old ones.
 * Also stream order, cuStreamWaitEvent, the legacy default stream's drains (not of non-blocking streams), queries,
 * registered host memory and its errors. In this JVM, bound to simcuda by the build; the faults on request (a failed
 * async copy, a failed registration, a range left registered) in a child JVM. Tagged {@code simcuda}: these assert the
 * simulator's schedule, which a device does not promise.
 */
@Tag("simcuda")
class SimulatedAsyncDriverTest {
    private static final int N = 256;
    private CudaBackend gpu;
    private final List<CUdeviceptr> device = new ArrayList<>();
    private final List<Pointer> pinnedBuffers = new ArrayList<>();
    private final List<CUstream> streams = new ArrayList<>();

    @BeforeEach
    void bindToSimcuda() {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes");
        assumeTrue(GpuTestSupport.availability().usable() && GpuTestSupport.availability().reason().contains("simcuda"),
                "this JVM is not bound to simcuda: " + GpuTestSupport.availability().reason());
        gpu = new CudaBackend(BackendOptions.DEFAULT);
        gpu.makeCurrent();
    }

    @AfterEach
    void free() {
        if (gpu == null) return;
        for (CUstream s : streams) ok(JCudaDriver.cuStreamDestroy(s), "cuStreamDestroy");
        for (CUdeviceptr p : device) ok(JCudaDriver.cuMemFree(p), "cuMemFree");
        for (Pointer p : pinnedBuffers) ok(JCudaDriver.cuMemFreeHost(p), "cuMemFreeHost");
        gpu.close();
    }

    @Test
    void aStagingBufferRefilledBeforeTheWaitUploadsTheNewBytes() {
        CUstream copies = stream(0);
        ByteBuffer staging = pinned();
        CUdeviceptr d = alloc();
        fill(staging, 1);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(staging), N, copies), "cuMemcpyHtoDAsync");
        fill(staging, 2);  // the race: the copy has not been waited for
        ok(JCudaDriver.cuStreamSynchronize(copies), "cuStreamSynchronize");
        assertArrayEquals(bytes(2), download(d), "the queued copy read the buffer when it ran, after the refill");

        CUevent uploaded = event(0);
        fill(staging, 3);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(staging), N, copies), "cuMemcpyHtoDAsync");
        ok(JCudaDriver.cuEventRecord(uploaded, copies), "cuEventRecord");
        ok(JCudaDriver.cuEventSynchronize(uploaded), "cuEventSynchronize");
        fill(staging, 4);  // safe now: the copy's event was waited for
        ok(JCudaDriver.cuStreamSynchronize(copies), "cuStreamSynchronize");
        assertArrayEquals(bytes(3), download(d), "after the event wait, the refill must not reach the device");
        ok(JCudaDriver.cuEventDestroy(uploaded), "cuEventDestroy");
    }

    @Test
    void workOnAStreamRunsInOrderAndDownloadsLandAtTheSync() {
        CUstream s = stream(0);
        ByteBuffer a = pinned(), b = pinned(), back = pinned();
        CUdeviceptr d = alloc(), e = alloc();
        fill(a, 5);
        fill(b, 6);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(a), N, s), "HtoDAsync a");
        ok(JCudaDriver.cuMemcpyDtoDAsync(e, d, N, s), "DtoDAsync");
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(b), N, s), "HtoDAsync b");
        fill(back, 0);
        ok(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(back), e, N, s), "DtoHAsync");
        assertArrayEquals(bytes(0), contents(back), "a queued download wrote host memory before any synchronization");
        ok(JCudaDriver.cuStreamSynchronize(s), "cuStreamSynchronize");
        assertArrayEquals(bytes(5), contents(back), "the copy between the uploads saw the first");
        assertArrayEquals(bytes(6), download(d), "the later upload wins");
    }

    @Test
    void aStreamWaitingOnAnEventRunsAfterTheEventsStream() {
        CUstream copies = stream(CUstream_flags.CU_STREAM_NON_BLOCKING), compute = stream(CUstream_flags.CU_STREAM_NON_BLOCKING);
        ByteBuffer staging = pinned(), back = pinned();
        CUdeviceptr d = alloc(), e = alloc();
        CUevent uploaded = event(0);
        fill(staging, 7);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(staging), N, copies), "HtoDAsync");
        ok(JCudaDriver.cuEventRecord(uploaded, copies), "cuEventRecord");
        ok(JCudaDriver.cuStreamWaitEvent(compute, uploaded, 0), "cuStreamWaitEvent");
        ok(JCudaDriver.cuMemcpyDtoDAsync(e, d, N, compute), "DtoDAsync");
        ok(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(back), e, N, compute), "DtoHAsync");
        fill(staging, 8);  // before the copy stream ran: the wait makes it run now, reading this
        ok(JCudaDriver.cuStreamSynchronize(compute), "cuStreamSynchronize(compute) alone");
        assertArrayEquals(bytes(8), contents(back), "the compute stream's copy ran before the copy it waited for");
        assertEquals(CUresult.CUDA_SUCCESS, JCudaDriver.cuEventQuery(uploaded), "the event was reached by the wait");
        ok(JCudaDriver.cuEventDestroy(uploaded), "cuEventDestroy");
    }

    @Test
    void theLegacyStreamDrainsBlockingStreamsButNotNonBlockingOnes() {
        CUstream blocking = stream(0), nonBlocking = stream(CUstream_flags.CU_STREAM_NON_BLOCKING);
        ByteBuffer one = pinned(), two = pinned();
        CUdeviceptr d = alloc(), e = alloc();
        ok(JCudaDriver.cuMemcpyHtoD(e, Pointer.to(bytes(9)), N), "cuMemcpyHtoD");
        fill(one, 10);
        fill(two, 11);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(one), N, blocking), "HtoDAsync blocking");
        ok(JCudaDriver.cuMemcpyHtoDAsync(e, Pointer.to(two), N, nonBlocking), "HtoDAsync non-blocking");
        fill(one, 12);
        assertArrayEquals(bytes(12), download(d), "a synchronous copy waits for a blocking stream's earlier work");
        assertArrayEquals(bytes(9), download(e), "a synchronous copy does not wait for a non-blocking stream");
        ok(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
        assertArrayEquals(bytes(11), download(e), "cuCtxSynchronize runs every stream");
    }

    @Test
    void queriesSayNotReadyWhileWorkIsQueuedAndElapsedTimeIsNonNegative() {
        CUstream s = stream(0);
        ByteBuffer staging = pinned();
        CUdeviceptr d = alloc();
        CUevent start = event(0), end = event(0);
        assertEquals(CUresult.CUDA_SUCCESS, JCudaDriver.cuEventQuery(end), "an event never recorded is complete");
        assertEquals(CUresult.CUDA_SUCCESS, JCudaDriver.cuStreamQuery(s), "an idle stream");
        ok(JCudaDriver.cuEventRecord(start, s), "cuEventRecord(start)");
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(staging), N, s), "HtoDAsync");
        ok(JCudaDriver.cuEventRecord(end, s), "cuEventRecord(end)");
        float[] ms = {-1};
        assertEquals(CUresult.CUDA_ERROR_NOT_READY, JCudaDriver.cuEventElapsedTime(ms, start, end), "elapsed time of pending events");
        assertEquals(CUresult.CUDA_ERROR_NOT_READY, JCudaDriver.cuEventQuery(end), "work before the event is queued");
        assertEquals(CUresult.CUDA_SUCCESS, JCudaDriver.cuEventQuery(end), "the query ran it");
        ok(JCudaDriver.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
        assertTrue(ms[0] >= 0, "elapsed " + ms[0]);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(staging), N, s), "HtoDAsync");
        assertEquals(CUresult.CUDA_ERROR_NOT_READY, JCudaDriver.cuStreamQuery(s), "a stream with queued work");
        assertEquals(CUresult.CUDA_SUCCESS, JCudaDriver.cuStreamQuery(s), "the query ran it");
        ok(JCudaDriver.cuEventDestroy(start), "cuEventDestroy");
        ok(JCudaDriver.cuEventDestroy(end), "cuEventDestroy");
    }

    @Test
    void registeredHostMemoryQueuesAndPageableMemoryCopiesAtTheCall() {
        CUstream s = stream(0);
        ByteBuffer registered = ByteBuffer.allocateDirect(4 * N), pageable = ByteBuffer.allocateDirect(N);
        CUdeviceptr d = alloc(), e = alloc();
        ok(JCudaDriver.cuMemHostRegister(Pointer.to(registered), 4 * N, 0), "cuMemHostRegister");
        assertEquals(CUresult.CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
                JCudaDriver.cuMemHostRegister(Pointer.to(registered).withByteOffset(N), N, 0), "an overlapping range");
        ByteBuffer head = registered.duplicate().position(0).limit(N).slice();
        fill(head, 13);
        ok(JCudaDriver.cuMemcpyHtoDAsync(d, Pointer.to(registered), N, s), "HtoDAsync registered");
        fill(head, 14);
        fill(pageable, 15);
        ok(JCudaDriver.cuMemcpyHtoDAsync(e, Pointer.to(pageable), N, s), "HtoDAsync pageable");
        fill(pageable, 16);
        ok(JCudaDriver.cuStreamSynchronize(s), "cuStreamSynchronize");
        assertArrayEquals(bytes(14), download(d), "an async copy from a registered range is queued");
        assertArrayEquals(bytes(15), download(e), "an async copy from pageable memory is done at the call, as on a device");
        ok(JCudaDriver.cuMemHostUnregister(Pointer.to(registered)), "cuMemHostUnregister");
        assertEquals(CUresult.CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, JCudaDriver.cuMemHostUnregister(Pointer.to(registered)),
                "unregistering twice");
    }

    /** Faults asked for in a child JVM's environment: a failed queued copy, a failed registration, a range left registered. */
    @Test
    void faultsOnQueuedWorkSurfaceAtTheSyncAndARegisteredRangeLeftIsReported() throws Exception {
        String text = SimcudaChild.run(Path.of(System.getProperty(SimulatedGpu.PROPERTY)), SimcudaAsyncMain.class, List.of(),
                Map.of("SIMCUDA_FAIL_COPY", "2", "SIMCUDA_FAIL_HOST_REGISTER", "2"), List.of());
        Map<String, String> out = SimcudaChild.keyed(text);
        assertEquals("0", out.get("ENQUEUE"), text);  // the failing copy is accepted at its call
        assertEquals(String.valueOf(CUresult.CUDA_ERROR_INVALID_VALUE), out.get("SYNC"), text);
        assertEquals("0", out.get("RESYNC"), "a failed copy is not sticky: " + text);
        assertEquals("7", out.get("KEPT"), "the failed copy copied nothing, the one after it ran: " + text);
        assertEquals("0", out.get("REGISTER"), text);
        assertEquals(String.valueOf(CUresult.CUDA_ERROR_OUT_OF_MEMORY), out.get("REGISTERAGAIN"), text);
        assertTrue(text.contains("1 registered host ranges (64 bytes) still registered"), "no report of the range left: " + text);
    }

    private CUstream stream(int flags) {
        CUstream s = new CUstream();
        ok(JCudaDriver.cuStreamCreate(s, flags), "cuStreamCreate");
        streams.add(s);
        return s;
    }

    private static CUevent event(int flags) {
        CUevent e = new CUevent();
        ok(JCudaDriver.cuEventCreate(e, flags), "cuEventCreate");
        return e;
    }

    private CUdeviceptr alloc() {
        CUdeviceptr p = new CUdeviceptr();
        ok(JCudaDriver.cuMemAlloc(p, N), "cuMemAlloc");
        device.add(p);
        return p;
    }

    private ByteBuffer pinned() {
        Pointer p = new Pointer();
        ok(JCudaDriver.cuMemAllocHost(p, N), "cuMemAllocHost");
        pinnedBuffers.add(p);
        return p.getByteBuffer(0, N).order(ByteOrder.nativeOrder());
    }

    private static void fill(ByteBuffer b, int value) {
        for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) value);
    }

    private static byte[] bytes(int value) {
        byte[] b = new byte[N];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] contents(ByteBuffer b) {
        byte[] out = new byte[N];
        b.duplicate().position(0).get(out);
        return out;
    }

    private static byte[] download(CUdeviceptr d) {
        byte[] out = new byte[N];
        ok(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), d, N), "cuMemcpyDtoH");
        return out;
    }

    private static void ok(int rc, String call) {
        assertEquals(CUresult.CUDA_SUCCESS, rc, call + ": " + CUresult.stringFor(rc));
    }
}
