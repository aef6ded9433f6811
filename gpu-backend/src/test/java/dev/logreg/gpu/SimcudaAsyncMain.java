package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;

/**
 * Run in a child JVM by {@link SimulatedAsyncDriverTest} with simcuda as the driver, {@code SIMCUDA_FAIL_COPY=2} and
 * {@code SIMCUDA_FAIL_HOST_REGISTER=2}; the driver's calls alone (no backend: its copies would shift the counts).
 * Prints {@code KEY value} lines: {@code ENQUEUE} (the return of the failing async copy's call), {@code SYNC} (of the
 * synchronization that ran it), {@code RESYNC} (of the next), {@code KEPT} (the device's first byte after: the first copy's, 7), {@code
 * REGISTER} and {@code REGISTERAGAIN}; then releases the context with a range still registered (simcuda says so).
 */
final class SimcudaAsyncMain {
    private SimcudaAsyncMain() {}

    public static void main(String[] args) {
        JCudaDriver.cuInit(0);
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        CUcontext ctx = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev);
        JCudaDriver.cuCtxSetCurrent(ctx);
        CUstream s = new CUstream();
        JCudaDriver.cuStreamCreate(s, 0);
        CUdeviceptr d = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(d, 64);
        Pointer staging = new Pointer();
        JCudaDriver.cuMemAllocHost(staging, 64);
        ByteBuffer b = staging.getByteBuffer(0, 64);
        b.put(0, (byte) 7);
        Pointer other = new Pointer();
        JCudaDriver.cuMemAllocHost(other, 64);
        other.getByteBuffer(0, 64).put(0, (byte) 9);
        JCudaDriver.cuMemcpyHtoDAsync(d, staging, 64, s);  // copy 1
        System.out.println("ENQUEUE " + JCudaDriver.cuMemcpyHtoDAsync(d, other, 64, s));  // copy 2: fails when it runs
        System.out.println("SYNC " + JCudaDriver.cuStreamSynchronize(s));
        System.out.println("RESYNC " + JCudaDriver.cuStreamSynchronize(s));
        byte[] first = new byte[1];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(first), d, 1);
        System.out.println("KEPT " + first[0]);
        ByteBuffer one = ByteBuffer.allocateDirect(64), two = ByteBuffer.allocateDirect(64);
        System.out.println("REGISTER " + JCudaDriver.cuMemHostRegister(Pointer.to(one), 64, 0));
        System.out.println("REGISTERAGAIN " + JCudaDriver.cuMemHostRegister(Pointer.to(two), 64, 0));
        JCudaDriver.cuStreamDestroy(s);
        JCudaDriver.cuMemFree(d);
        JCudaDriver.cuMemFreeHost(staging);
        JCudaDriver.cuMemFreeHost(other);
        JCudaDriver.cuDevicePrimaryCtxRelease(dev);  // with `one` still registered: simcuda reports it
    }
}
