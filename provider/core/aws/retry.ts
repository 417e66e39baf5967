/**
 * How the provider retries AWS calls: throttling, 5xx and connection faults are retried with
 * exponential backoff and full jitter, up to a number of attempts and a total backoff per call;
 * client errors are not. Unlike the SDK's standard strategy there is no shared retry quota that a
 * burst of throttling (hundreds of authorizations in one `pulumi up`) could drain, which would turn
 * retryable faults into failures. An answer that says the endpoint does not implement the operation
 * (an HTML page, 404, 501: see unimplemented.ts) is not retried either: it is the same every time.
 * On throttling, the send rate of the client (one per source region,
 * so per AWS rate limit) is also halved, and it recovers gradually on success, so a large `up`
 * converges on the rate AWS allows instead of stampeding.
 *
 * Every duration here is measured on a monotonic clock (`performance.now()`), never the wall clock:
 * a clock step (NTP, a suspended laptop, a VM migration) must not lengthen or shorten a wait.
 *
 * The strategy waits itself (the backoff, the send slot) on timers that hold no handle, and hands the
 * SDK a zero delay. The SDK sleeps a retry's delay on a timer of its own that its abort leaves running:
 * a call abandoned at its operation's deadline during a backoff kept a failed program alive for up to
 * 20 s more. While a call waits, its operation's deadline timer (or the provider's server) keeps the
 * process alive; once the SDK has given up waiting (it races the strategy against the abort), nothing does.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import { unimplementedAnswer } from "./unimplemented";

/** Milliseconds on a monotonic clock; only differences mean anything. */
export type Clock = () => number;

export const monotonic: Clock = () => performance.now();

/** Waits `ms` on a timer that does not keep the process alive (see above). */
export const detachedSleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
        if (ms <= 0) return resolve();
        setTimeout(resolve, ms).unref();
    });

export interface BackoffOptions {
    maxAttempts: number;
    /** First backoff ceiling for faults, ms. */
    baseMs?: number;
    /** First backoff ceiling for throttling, ms. */
    throttleBaseMs?: number;
    /** Largest single backoff, ms. */
    capMs?: number;
    /** Largest total backoff of one call across its retries, ms. */
    maxTotalBackoffMs?: number;
    /** Random source in [0, 1), for tests. */
    random?: () => number;
    /** Monotonic clock, for tests. */
    clock?: Clock;
    /** Waits before a retry, for tests. @default {@link detachedSleep} */
    sleep?: (ms: number) => Promise<void>;
}

/** A retry token: no delay for the SDK (the strategy waited), and how much backoff the call has spent so far. */
export interface Token extends RetryToken {
    readonly spentMs: number;
    /** What the strategy waited before this retry, ms. */
    readonly waitedMs: number;
}

const token = (count: number, waitedMs: number, spentMs: number): Token => ({
    getRetryCount: () => count,
    getRetryDelay: () => 0,
    spentMs,
    waitedMs,
});

export interface SendRateOptions {
    /** Slowest rate, requests per second. */
    minRate?: number;
    /** Additive increase per answered request, requests per second. */
    increase?: number;
    /** Time within which further throttled answers count as the same burst, ms. */
    holdMs?: number;
    clock?: Clock;
    /** Waits for a send slot, for tests. @default {@link detachedSleep} */
    sleep?: (ms: number) => Promise<void>;
}

/**
 * A send-rate limiter that halves on throttling and grows back additively (AIMD). One burst of
 * throttled answers (the requests that were in flight together) halves the rate once, not once
 * per answer: a decrease is ignored within `holdMs` of the previous one.
 */
export class SendRate {
    /** Requests per second; Infinity until AWS throttles. */
    rate = Infinity;
    private next = 0;
    private lastDecrease = -Infinity;
    private readonly minRate: number;
    private readonly increase: number;
    private readonly holdMs: number;
    readonly clock: Clock;
    private readonly sleep: (ms: number) => Promise<void>;

    constructor(options: SendRateOptions = {}) {
        this.minRate = options.minRate ?? 0.5;
        this.increase = options.increase ?? 0.5;
        this.holdMs = options.holdMs ?? 1000;
        this.clock = options.clock ?? monotonic;
        this.sleep = options.sleep ?? detachedSleep;
    }

    /** Reserves the next send slot at or after `earliest` (on the limiter's clock) and returns it. */
    reserve(earliest: number): number {
        if (this.rate === Infinity) return earliest;
        const slot = Math.max(earliest, this.next);
        this.next = slot + 1000 / this.rate;
        return slot;
    }

    /** Waits for this request's slot. */
    async acquire(): Promise<void> {
        const now = this.clock();
        const slot = this.reserve(now);
        if (slot > now) await this.sleep(slot - now);
    }

    /** AWS throttled a request while `observed` requests per second were getting through. */
    throttled(observed: number, now = this.clock()): void {
        if (now - this.lastDecrease < this.holdMs) return;
        this.lastDecrease = now;
        const base = this.rate === Infinity ? observed : Math.min(this.rate, Math.max(observed, this.minRate));
        this.rate = Math.max(this.minRate, base / 2);
    }

    /** AWS answered a request without throttling it (successfully or not). */
    accepted(): void {
        if (this.rate !== Infinity) this.rate += this.increase;
    }
}

export class Backoff implements RetryStrategyV2 {
    private readonly baseMs: number;
    private readonly throttleBaseMs: number;
    private readonly capMs: number;
    private readonly maxTotalBackoffMs: number;
    private readonly random: () => number;
    private readonly clock: Clock;
    private readonly sleep: (ms: number) => Promise<void>;
    readonly sendRate: SendRate;
    /** When AWS answered requests without throttling in the last second (clock ms): the rate it allowed. */
    private recent: number[] = [];

    constructor(private readonly options: BackoffOptions) {
        this.baseMs = options.baseMs ?? 100;
        this.throttleBaseMs = options.throttleBaseMs ?? 500;
        this.capMs = options.capMs ?? 20000;
        this.maxTotalBackoffMs = options.maxTotalBackoffMs ?? 120000;
        this.random = options.random ?? Math.random;
        this.clock = options.clock ?? monotonic;
        this.sleep = options.sleep ?? detachedSleep;
        this.sendRate = new SendRate({ clock: this.clock, sleep: this.sleep });
    }

    /** The delay before retry number `retry` (1-based): full jitter under a doubling ceiling. */
    delay(retry: number, throttled: boolean): number {
        const ceiling = Math.min(this.capMs, (throttled ? this.throttleBaseMs : this.baseMs) * 2 ** (retry - 1));
        return Math.floor(this.random() * ceiling);
    }

    async acquireInitialRetryToken(): Promise<RetryToken> {
        await this.sendRate.acquire();
        return token(0, 0, 0);
    }

    async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
        const retry = previous.getRetryCount() + 1;
        const spent = (previous as Partial<Token>).spentMs ?? 0;
        if (info.errorType === "CLIENT_ERROR") {
            // AWS answered (e.g. ResourceNotFoundException from an existence check): not throttled.
            this.accepted();
            throw new Error("not retryable");
        }
        const unimplemented = unimplementedAnswer(info.error);
        if (unimplemented) throw new Error(`not retryable: the endpoint answered ${unimplemented}`);
        if (retry >= this.options.maxAttempts) throw new Error(`gave up after ${retry} attempts`);
        const throttled = info.errorType === "THROTTLING";
        if (throttled) {
            const now = this.clock();
            this.recent = this.recent.filter((t) => now - t < 1000);
            this.sendRate.throttled(Math.max(1, this.recent.length), now);
        }
        let wait = this.delay(retry, throttled);
        // retryAfterHint is an absolute date from AWS (Retry-After): the one place the wall clock is
        // needed, to turn it into a duration; the wait itself then runs on the monotonic clock.
        if (info.retryAfterHint) wait = Math.max(wait, Math.min(this.capMs, info.retryAfterHint.getTime() - Date.now()));
        // The wait before the retry: backoff, then the next free send slot.
        const now = this.clock();
        const delay = Math.max(0, this.sendRate.reserve(now + wait) - now);
        if (spent + delay > this.maxTotalBackoffMs) {
            throw new Error(`gave up after ${retry} attempts: the total backoff of ${this.maxTotalBackoffMs} ms is spent`);
        }
        await this.sleep(delay);
        return token(retry, delay, spent + delay);
    }

    recordSuccess(): void {
        this.accepted();
    }

    private accepted(): void {
        this.recent.push(this.clock());
        if (this.recent.length > 1000) this.recent = this.recent.slice(-1000);
        this.sendRate.accepted();
    }
}
