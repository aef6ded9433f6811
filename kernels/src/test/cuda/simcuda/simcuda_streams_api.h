/*
 * simcuda_streams_api.h - the driver calls of streams, events, asynchronous copies and registered host memory, on
 * the queue of simcuda_streams.h (read its header for when queued work runs). Included by simcuda.cpp after its other
 * calls; simcuda.sh reads the API functions defined here too, so that none of them is stubbed.
 */

API CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuStreamCreate")) return rc;
    if (stream == nullptr || (flags & ~STREAM_NON_BLOCKING) != 0) return INVALID_VALUE;
    Stream *s = new Stream{flags, {}};
    streams.push_back(s);
    *stream = s;
    return SUCCESS;
}

/* Runs the stream's queued work first (on a device it completes after the call; the handle is gone at once). */
API CUresult cuStreamDestroy_v2(CUstream stream) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuStreamDestroy")) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr || s == &legacyStream) return INVALID_HANDLE;
    CUresult rc = runStream(s);
    streams.erase(std::find(streams.begin(), streams.end(), s));
    delete s;
    return rc;
}

API CUresult cuStreamSynchronize(CUstream stream) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuStreamSynchronize")) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr) return INVALID_HANDLE;
    return catchUp(s);
}

/* CUDA_ERROR_NOT_READY where work is queued (and this query runs it, so that a polling loop ends); else success. */
API CUresult cuStreamQuery(CUstream stream) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuStreamQuery")) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr) return INVALID_HANDLE;
    bool idle = s->queue.empty();
    if (s == &legacyStream) {
        for (Stream *t : streams) idle = idle && ((t->flags & STREAM_NON_BLOCKING) != 0 || t->queue.empty());
    }
    if (idle) return SUCCESS;
    CUresult rc = catchUp(s);
    return rc != SUCCESS ? rc : NOT_READY;
}

API CUresult cuEventCreate(CUevent *event, unsigned flags) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventCreate")) return rc;
    if (event == nullptr || flags > 7) return INVALID_VALUE;  // BLOCKING_SYNC 1, DISABLE_TIMING 2, INTERPROCESS 4
    Event *e = new Event{flags, nullptr};
    events.insert(e);
    *event = e;
    return SUCCESS;
}

API CUresult cuEventDestroy_v2(CUevent event) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventDestroy")) return rc;
    if (events.erase(event) == 0) return INVALID_HANDLE;
    delete event;  // a record still queued keeps its mark (shared), as the driver lets a pending event be destroyed
    return SUCCESS;
}

API CUresult cuEventRecord(CUevent event, CUstream stream) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventRecord")) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr || events.count(event) == 0) return INVALID_HANDLE;
    auto mark = std::make_shared<Mark>();
    mark->stream = s;
    event->last = mark;
    Op op{Op::RECORD, "cuEventRecord"};
    op.mark = mark;
    return enqueue(s, std::move(op));
}

API CUresult cuEventSynchronize(CUevent event) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventSynchronize")) return rc;
    if (events.count(event) == 0) return INVALID_HANDLE;
    return event->last ? runUntil(event->last) : SUCCESS;  // never recorded: nothing to wait for, as the driver says
}

/* CUDA_ERROR_NOT_READY while work before the event is queued (this query runs it: the next one says success). */
API CUresult cuEventQuery(CUevent event) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventQuery")) return rc;
    if (events.count(event) == 0) return INVALID_HANDLE;
    if (!event->last || event->last->reached) return SUCCESS;
    CUresult rc = runUntil(event->last);
    return rc != SUCCESS ? rc : NOT_READY;
}

/* Host time between the two records' running (non-negative); nothing to do with a device's timing. */
API CUresult cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuEventElapsedTime")) return rc;
    if (ms == nullptr) return INVALID_VALUE;
    if (events.count(start) == 0 || events.count(end) == 0) return INVALID_HANDLE;
    if ((start->flags & EVENT_DISABLE_TIMING) != 0 || (end->flags & EVENT_DISABLE_TIMING) != 0) return INVALID_HANDLE;
    if (!start->last || !end->last) return INVALID_HANDLE;
    if (!start->last->reached || !end->last->reached) return NOT_READY;
    *ms = std::max(0.0f, std::chrono::duration<float, std::milli>(end->last->at - start->last->at).count());
    return SUCCESS;
}

/* The stream's later work runs after the event's stream reached the event (it runs it that far, if need be). */
API CUresult cuStreamWaitEvent(CUstream stream, CUevent event, unsigned flags) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuStreamWaitEvent")) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr || events.count(event) == 0) return INVALID_HANDLE;
    if (flags != 0) return INVALID_VALUE;
    if (!event->last || event->last->reached) return SUCCESS;
    Op op{Op::WAIT, "cuStreamWaitEvent"};
    op.mark = event->last;
    return enqueue(s, std::move(op));
}

/*
 * An asynchronous copy: with a page-locked host side (or none), queued on the stream; with a pageable one,
 * synchronous as on a device (the stream's earlier work, then the copy, at the call; SIMCUDA_SAY_PAGEABLE=1 says so).
 */
static CUresult copyAsync(const char *call, void *dst, const void *src, size_t bytes, bool dstDevice, bool srcDevice,
                          CUstream stream) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext(call)) return rc;
    Stream *s = streamOf(stream);
    if (s == nullptr) return INVALID_HANDLE;
    if (CUresult rc = checkCopy(call, dst, src, bytes, dstDevice, srcDevice)) return rc;
    if (bytes == 0) return SUCCESS;
    const void *host = !dstDevice ? dst : !srcDevice ? src : nullptr;
    if (host != nullptr && !pageLocked(host, bytes)) {
        if (envNumber("SIMCUDA_SAY_PAGEABLE", 0, true) != 0) {
            say("%s: host side [%p, +%zu) is pageable (neither cuMemAllocHost'ed nor registered): synchronous", call, host, bytes);
        }
        CUresult earlier = catchUp(s);
        if (faultRequested(FAULT_COPY, call)) return INVALID_VALUE;
        std::memmove(dst, src, bytes);
        return earlier;
    }
    Op op{Op::COPY, call};
    op.dst = dst;
    op.src = src;
    op.bytes = bytes;
    if (faultRequested(FAULT_COPY, call)) op.failure = INVALID_VALUE;  // counted at the call, failing when it runs
    return enqueue(s, std::move(op));
}

API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes, CUstream stream) {
    return copyAsync("cuMemcpyHtoDAsync", (void *)dst, src, bytes, true, false, stream);
}

API CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    return copyAsync("cuMemcpyDtoHAsync", dst, (const void *)src, bytes, false, true, stream);
}

API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    return copyAsync("cuMemcpyDtoDAsync", (void *)dst, (const void *)src, bytes, true, true, stream);
}

/* Page-locks [p, p + bytes) for async copies. Overlapping a registered range or a pinned allocation: refused. */
API CUresult cuMemHostRegister_v2(void *p, size_t bytes, unsigned flags) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemHostRegister")) return rc;
    if (p == nullptr || bytes == 0 || flags > 15) return INVALID_VALUE;  // PORTABLE 1, DEVICEMAP 2, IOMEMORY 4, READ_ONLY 8
    const char *c = static_cast<const char *>(p);
    for (auto &r : registered) {
        if (c < r.first + r.second && r.first < c + bytes) return HOST_MEMORY_ALREADY_REGISTERED;
    }
    for (void *q : pinned) {  // a pinned allocation is page-locked already
        const char *start = static_cast<const char *>(q);
        if (c < start + mappings[q].second && start < c + bytes) return HOST_MEMORY_ALREADY_REGISTERED;
    }
    if (faultRequested(FAULT_HOST_REGISTER, "cuMemHostRegister")) return OUT_OF_MEMORY;
    registered[c] = bytes;
    return SUCCESS;
}

/* Waits for the device first (a queued copy from the range runs before it is unlocked). */
API CUresult cuMemHostUnregister(void *p) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemHostUnregister")) return rc;
    auto r = registered.find(static_cast<const char *>(p));
    if (r == registered.end()) {
        say("cuMemHostUnregister(%p): not the start of a registered host range", p);
        return HOST_MEMORY_NOT_REGISTERED;
    }
    CUresult rc = drainAll();
    registered.erase(r);
    return rc;
}
