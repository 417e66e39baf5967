import * as assert from "node:assert/strict";
import { Backoff, SendRate, type Token } from "../../provider/core/aws/retry";
import { unimplementedAnswer } from "../../provider/core/aws/unimplemented";

const err = (errorType: "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR") => ({ errorType });

describe("retry", () => {
    it("backs off exponentially with full jitter, throttling from a larger base, capped", () => {
        const top = new Backoff({ maxAttempts: 10, random: () => 0.999999 });
        assert.deepEqual(
            [1, 2, 3, 4].map((n) => top.delay(n, false)),
            [99, 199, 399, 799],
        );
        assert.deepEqual(
            [1, 2, 3].map((n) => top.delay(n, true)),
            [499, 999, 1999],
        );
        assert.equal(top.delay(20, true), 19999, "capped at 20 s");
        assert.equal(new Backoff({ maxAttempts: 3, random: () => 0 }).delay(5, true), 0);
    });

    it("retries faults and throttling up to maxAttempts, and never client errors", async () => {
        const b = new Backoff({ maxAttempts: 3, random: () => 0 });
        let t = await b.acquireInitialRetryToken();
        t = await b.refreshRetryTokenForRetry(t, err("SERVER_ERROR"));
        assert.equal(t.getRetryCount(), 1);
        t = await b.refreshRetryTokenForRetry(t, err("TRANSIENT"));
        assert.equal(t.getRetryCount(), 2);
        await assert.rejects(b.refreshRetryTokenForRetry(t, err("THROTTLING")), { message: "gave up after 3 attempts" });
        await assert.rejects(b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), err("CLIENT_ERROR")), {
            message: "not retryable",
        });
    });

    it("does not retry an answer that says the endpoint lacks the operation; retries a gateway's page", async () => {
        /** An SDK error for an HTTP answer: `status`, with `type` as its content type (as the SDK keeps it, in $response). */
        const answered = (status: number, type: string, name = "SyntaxError") =>
            Object.assign(new Error("Unexpected token '<'"), {
                name,
                $metadata: { httpStatusCode: status },
                $response: { statusCode: status, headers: { "content-type": type } },
            });
        const b = new Backoff({ maxAttempts: 8, random: () => 0 });
        const refresh = async (error: Error, errorType: "SERVER_ERROR" | "CLIENT_ERROR") =>
            b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), { errorType, error } as never);
        await assert.rejects(refresh(answered(500, "text/html; charset=utf-8"), "SERVER_ERROR"), {
            message: "not retryable: the endpoint answered HTTP 500 with an HTML page",
        });
        await assert.rejects(refresh(answered(501, "application/x-amz-json-1.1", "NotImplemented"), "SERVER_ERROR"), {
            message: "not retryable: the endpoint answered HTTP 501",
        });
        // A gateway's 503 page while the service behind it recovers, and AWS's own 500: retried.
        assert.equal((await refresh(answered(503, "text/html"), "SERVER_ERROR")).getRetryCount(), 1);
        assert.equal((await refresh(answered(500, "application/x-amz-json-1.1", "InternalFailure"), "SERVER_ERROR")).getRetryCount(), 1);
        assert.equal(unimplementedAnswer(Object.assign(new Error(""), { name: "UnknownOperationException" })), "UnknownOperationException");
        assert.equal(unimplementedAnswer(answered(404, "text/plain", "UnknownError")), "HTTP 404");
        assert.equal(unimplementedAnswer(answered(400, "application/x-amz-json-1.1", "ValidationException")), undefined);
        assert.equal(unimplementedAnswer(new Error("ECONNRESET")), undefined);
    });

    it("halves the send rate on throttling, from what AWS allowed, and grows it back on answers", async () => {
        const b = new Backoff({ maxAttempts: 5, random: () => 0 });
        for (let i = 0; i < 6; i++) b.recordSuccess();
        // A ResourceNotFoundException (an existence check) is an answer too: it counts as allowed.
        await assert.rejects(b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), err("CLIENT_ERROR")));
        await assert.rejects(b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), err("CLIENT_ERROR")));
        assert.equal(b.sendRate.rate, Infinity, "no limit until AWS throttles");
        await b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), err("THROTTLING"));
        assert.equal(b.sendRate.rate, 4, "8 answers in the last second ⇒ 4 per second");
        b.recordSuccess();
        assert.equal(b.sendRate.rate, 4.5);
    });

    it("halves once per burst of throttled answers, not once per answer", () => {
        const r = new SendRate({ clock: () => 0 });
        r.throttled(10, 1000);
        r.throttled(10, 1010);
        r.throttled(10, 1500);
        assert.equal(r.rate, 5, "one decrease within the hold time");
        r.throttled(10, 2100);
        assert.equal(r.rate, 2.5, "the next burst halves again");
        r.throttled(1, 3200);
        assert.equal(r.rate, 0.5, "halved from what got through (1 per second), never below the minimum");
    });

    it("spaces sends at the limited rate", () => {
        const r = new SendRate({ clock: () => 0 });
        r.rate = 10;
        assert.deepEqual([r.reserve(1000), r.reserve(1000), r.reserve(1000), r.reserve(5000)], [1000, 1100, 1200, 5000]);
    });

    it("bounds the total backoff of one call, not only the attempts", async () => {
        // Every delay at its ceiling: 100, 200, 400, 800 ms; a budget of 1000 ms allows the first three.
        const slept: number[] = [];
        const sleep = async (ms: number) => void slept.push(ms);
        const b = new Backoff({ maxAttempts: 20, random: () => 0.999999, maxTotalBackoffMs: 1000, clock: () => 0, sleep });
        let t = await b.acquireInitialRetryToken();
        const delays: number[] = [];
        for (let i = 0; i < 3; i++) {
            t = await b.refreshRetryTokenForRetry(t, err("SERVER_ERROR"));
            delays.push((t as Token).waitedMs);
            assert.equal(t.getRetryDelay(), 0, "the strategy waited: the SDK has nothing left to sleep");
        }
        assert.deepEqual(delays, [99, 199, 399]);
        assert.deepEqual(slept, [99, 199, 399]);
        await assert.rejects(b.refreshRetryTokenForRetry(t, err("SERVER_ERROR")), {
            message: "gave up after 4 attempts: the total backoff of 1000 ms is spent",
        });
    });

    it("schedules send slots on its injected clock", async () => {
        let now = 5000;
        const r = new SendRate({ clock: () => now });
        r.rate = 10;
        assert.equal(r.reserve(now), 5000);
        assert.equal(r.reserve(now), 5100);
        now = 9000;
        assert.equal(r.reserve(now), 9000, "a slot is never in the past of the clock");
    });

    describe("monotonic clock", () => {
        const realNow = Date.now;
        afterEach(() => {
            Date.now = realNow;
        });

        it("does not lengthen the wait for a send slot when the wall clock steps back an hour", async () => {
            const r = new SendRate();
            r.rate = 10; // one send per 100 ms
            await r.acquire(); // takes the first slot
            Date.now = () => realNow() - 3_600_000; // NTP steps the wall clock back an hour
            // Record the wait the limiter asks for instead of sleeping it (a regression would sleep an hour).
            const waits: number[] = [];
            const realSetTimeout = global.setTimeout;
            global.setTimeout = ((fn: () => void, ms?: number) => {
                waits.push(ms ?? 0);
                return realSetTimeout(fn, 0);
            }) as typeof setTimeout;
            try {
                await r.acquire(); // the next slot is 100 ms after the first
            } finally {
                global.setTimeout = realSetTimeout;
            }
            assert.equal(waits.length, 1);
            assert.ok(waits[0] > 0 && waits[0] <= 100, `asked to wait ${waits[0]} ms`);
        });

        it("does not forget the rate AWS allowed when the wall clock steps forward an hour", async () => {
            const b = new Backoff({ maxAttempts: 5, random: () => 0 });
            for (let i = 0; i < 8; i++) b.recordSuccess();
            Date.now = () => realNow() + 3_600_000;
            await b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), err("THROTTLING"));
            assert.equal(b.sendRate.rate, 4, "8 answers in the last (monotonic) second ⇒ 4 per second, not the minimum");
        });

        it("turns AWS's Retry-After date into a wait with the wall clock, and only that", async () => {
            const b = new Backoff({ maxAttempts: 5, random: () => 0, clock: () => 0, sleep: async () => undefined });
            const t = await b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken(), {
                errorType: "THROTTLING",
                retryAfterHint: new Date(Date.now() + 3000),
            });
            const delay = (t as Token).waitedMs;
            assert.ok(delay > 2900 && delay <= 3000, `delay ${delay}`);
        });
    });
});
