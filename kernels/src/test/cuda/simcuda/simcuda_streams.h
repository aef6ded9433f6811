/*
 * simcuda_streams.h - simcuda's streams, events and page-locked host ranges: the queue that makes asynchrony
 * observable. Included by simcuda.cpp inside its anonymous namespace (it uses its types, lock and say); the calls that
 * use it are in simcuda_streams_api.h.
 *
 * Why queue at all: a simulator that ran every asynchronous copy and launch at its call would pass host code that
 * races the device (a staging buffer refilled before its copy's event was waited on uploads the new bytes on a GPU,
 * at some runs and not others). Here work on a stream waits in the stream's queue and runs, in stream order, only at
 * a synchronization point, so such a race shows at every run:
 *   - cuStreamSynchronize / cuStreamQuery of the stream (the query runs it and says CUDA_ERROR_NOT_READY once);
 *   - cuEventSynchronize / cuEventQuery of an event recorded on it: the stream runs up to the event;
 *   - cuStreamWaitEvent: when the waiting stream reaches the wait, the event's stream runs up to the event;
 *   - cuCtxSynchronize, cuMemFree, cuMemFreeHost, cuMemHostUnregister, cuModuleUnload, cuStreamDestroy (its stream):
 *     as the driver, they wait for the device;
 *   - the legacy default stream (handle 0 or CU_STREAM_LEGACY): its work waits for every blocking stream's earlier
 *     work, and every blocking stream's later work waits for it (CU_STREAM_NON_BLOCKING streams are independent), as
 *     on a device; the synchronous copies are work on it that ends before the call returns.
 * Running work earlier than a device might is always a legal schedule; running it later than a synchronization point
 * never happens. Host memory a queued copy reads or writes is touched when the copy runs.
 */

using Clock = std::chrono::steady_clock;
struct Stream;

/* A point in a stream's work (an event's record): reached once the stream's work before it has run. */
struct Mark {
    Stream *stream;
    bool reached = false;
    Clock::time_point at{};
};

/* One queued piece of work. */
struct Op {
    enum Kind { COPY, LAUNCH, RECORD, WAIT } kind;
    std::string call;                 // names it in messages: "cuMemcpyHtoDAsync", "cuLaunchKernel(logreg_margins)"
    void *dst = nullptr;              // COPY
    const void *src = nullptr;
    size_t bytes = 0;
    CUresult failure = SUCCESS;       // COPY: a fault asked for (SIMCUDA_FAIL_COPY) that it returns when it runs
    Function *function = nullptr;     // LAUNCH
    std::function<void()> kernel;
    std::shared_ptr<Mark> mark;       // RECORD: the mark it reaches; WAIT: the mark it waits for
};

struct Stream {
    unsigned flags;
    std::deque<Op> queue;
};
constexpr unsigned STREAM_NON_BLOCKING = 1;   // CU_STREAM_NON_BLOCKING
Stream legacyStream{0, {}};                    // the legacy default stream (handle 0)
std::vector<Stream *> streams;                 // created and not destroyed, in creation order

struct Event {
    unsigned flags;
    std::shared_ptr<Mark> last;  // of the latest cuEventRecord; null until the first
};
constexpr unsigned EVENT_DISABLE_TIMING = 2;   // CU_EVENT_DISABLE_TIMING
std::set<Event *> events;

std::map<const char *, size_t, std::less<>> registered;  // cuMemHostRegister'ed host ranges: start -> bytes

/* The stream a handle names (0 and CU_STREAM_LEGACY: the legacy default stream), or null for an unknown handle. */
Stream *streamOf(void *handle) {
    if (handle == nullptr || handle == reinterpret_cast<void *>(1)) return &legacyStream;
    for (Stream *s : streams) {
        if (s == handle) return s;
    }
    return nullptr;
}

/* Whether [p, p + bytes) lies inside one pinned allocation or one registered range (async copies may queue). */
bool pageLocked(const void *p, size_t bytes) {
    const char *c = static_cast<const char *>(p);
    auto r = registered.upper_bound(c);
    if (r != registered.begin() && c >= std::prev(r)->first && c + bytes <= std::prev(r)->first + std::prev(r)->second) return true;
    for (void *q : pinned) {
        auto m = mappings.find(q);
        const char *start = static_cast<const char *>(q);
        const char *end = static_cast<const char *>(m->second.first) + m->second.second - (size_t)sysconf(_SC_PAGESIZE);
        if (c >= start && c + bytes <= end) return true;
    }
    return false;
}

CUresult runUntil(const std::shared_ptr<Mark> &mark);

CUresult runOp(Op &op) {
    switch (op.kind) {
        case Op::COPY:
            if (op.failure != SUCCESS) return op.failure;  // copies nothing, as the synchronous copy's fault
            std::memmove(op.dst, op.src, op.bytes);
            return SUCCESS;
        case Op::LAUNCH:
            // Alternate thread orders, launch by launch of each kernel (in the order the launches run): a result that
            // depends on the schedule (a missing barrier) then differs between two identical calls.
            simt_reverse_order = (op.function->launches++ % 2) == 1;
            op.kernel();
            return SUCCESS;
        case Op::RECORD:
            op.mark->reached = true;
            op.mark->at = Clock::now();
            return SUCCESS;
        case Op::WAIT:
            return runUntil(op.mark);
    }
    return SUCCESS;
}

/*
 * Runs s's queued work in order, all of it or up to {@code until}; returns the first error a piece of it returned
 * (later pieces still run: a failed copy is not sticky), which the call that made it run returns.
 */
CUresult runStream(Stream *s, const Mark *until = nullptr) {
    CUresult first = SUCCESS;
    while (!s->queue.empty() && (until == nullptr || !until->reached)) {
        Op op = std::move(s->queue.front());
        s->queue.pop_front();  // before it runs: a wait inside it may run other streams, never this one's earlier work
        CUresult rc = runOp(op);
        if (rc != SUCCESS && first == SUCCESS) {
            say("%s, queued, failed when it ran (error %d); the call that ran it returns the error", op.call.c_str(), rc);
            first = rc;
        }
    }
    return first;
}

CUresult runUntil(const std::shared_ptr<Mark> &mark) {
    if (mark->reached) return SUCCESS;
    if (mark->stream != &legacyStream && std::find(streams.begin(), streams.end(), mark->stream) == streams.end()) {
        mark->reached = true;  // its stream is gone (destroying a stream runs its work first): nothing left to wait for
        return SUCCESS;
    }
    return runStream(mark->stream, mark.get());
}

/* Runs every blocking stream's work (blockingOnly) or every stream's, and the legacy default stream's. */
CUresult drain(bool blockingOnly) {
    CUresult first = SUCCESS;
    for (size_t i = 0; i < streams.size(); i++) {
        if (blockingOnly && (streams[i]->flags & STREAM_NON_BLOCKING) != 0) continue;
        CUresult rc = runStream(streams[i]);
        if (first == SUCCESS) first = rc;
    }
    CUresult rc = runStream(&legacyStream);
    return first != SUCCESS ? first : rc;
}

/* What the legacy default stream waits for before work of its own: every blocking stream's earlier work. */
CUresult drainForLegacy() { return drain(true); }

/* The device waits for everything (cuCtxSynchronize, frees). */
CUresult drainAll() { return drain(false); }

/*
 * Queues op on s after what s must wait for: on the legacy stream, every blocking stream's earlier work (run now);
 * on a blocking stream, the legacy stream's earlier work (run now). Returns an error that running those returned.
 */
CUresult enqueue(Stream *s, Op op) {
    CUresult rc = SUCCESS;
    if (s == &legacyStream) rc = drainForLegacy();
    else if ((s->flags & STREAM_NON_BLOCKING) == 0) rc = runStream(&legacyStream);
    s->queue.push_back(std::move(op));
    return rc;
}

/* Makes s's work run before an operation done at the call on s (a pageable async copy, a synchronous copy). */
CUresult catchUp(Stream *s) {
    if (s == &legacyStream) return drainForLegacy();
    CUresult rc = (s->flags & STREAM_NON_BLOCKING) == 0 ? runStream(&legacyStream) : SUCCESS;
    CUresult own = runStream(s);
    return rc != SUCCESS ? rc : own;
}

/* After a sticky error (the device faulted): queued work never runs; events recorded behind it count as reached. */
void discardQueues() {
    for (Stream *s : streams) s->queue.clear();
    legacyStream.queue.clear();
    for (Event *e : events) {
        if (e->last) e->last->reached = true;
    }
}

/* At the release of the context: what it still holds of streams, events and registered ranges, said and dropped. */
void releaseStreams() {
    size_t queued = legacyStream.queue.size();
    for (Stream *s : streams) queued += s->queue.size();
    if (queued != 0) say("primary context released with %zu queued operations that never ran (no synchronization after them)", queued);
    if (!registered.empty()) {
        size_t bytes = 0;
        for (auto &r : registered) bytes += r.second;
        say("primary context released with %zu registered host ranges (%zu bytes) still registered (cuMemHostRegister without "
            "cuMemHostUnregister): unregistered", registered.size(), bytes);
    }
    registered.clear();
    legacyStream.queue.clear();
    for (Stream *s : streams) delete s;
    streams.clear();
    for (Event *e : events) delete e;
    events.clear();
}
