/**
 * Retries with full-jitter backoff and no shared retry quota, which a burst of throttling across
 * hundreds of authorizations would drain. Throttling also halves the client's send rate (AIMD).
 * Waits run on a monotonic clock, on unref'd timers: the SDK's own retry sleep outlives an abort
 * and kept a failed program alive up to 20 s, so the SDK is handed a zero delay.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";
import { unimplementedAnswer } from "./unimplemented";

/** Milliseconds on a monotonic clock; only differences mean anything. */
export type Clock = () => number;

export const monotonic: Clock = () => performance.now();

/** Waits `ms` on a timer that does not keep the process alive. */
export const detachedSleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
        if (ms <= 0) return resolve();
        setTimeout(resolve, ms).unref();
    });

export interface BackoffOptions {
    maxAttempts: number;
    baseMs?: number;
    throttleBaseMs?: number;
    capMs?: number;
    /** Of one call across its retries. */
    maxTotalBackoffMs?: number;
    random?: () => number;
    clock?: Clock;
    sleep?: (ms: number) => Promise<void>;
}

/** No delay for the SDK: the strategy has waited. */
export interface Token extends RetryToken {
    readonly spentMs: number;
    readonly waitedMs: number;
}

const token = (count: number, waitedMs: number, spentMs: number): Token => ({
    getRetryCount: () => count,
    getRetryDelay: () => 0,
    spentMs,
    waitedMs,
});

export interface SendRateOptions {
    /** Requests per second. */
    minRate?: number;
    /** Per answered request. */
    increase?: number;
    /** Throttled answers within this of a decrease are the same burst. */
    holdMs?: number;
    clock?: Clock;
    sleep?: (ms: number) => Promise<void>;
}

/** Halves on throttling, once per burst of answers in flight together, and grows back additively. */
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

    /** Reserves the next send slot at or after `earliest`. */
    reserve(earliest: number): number {
        if (this.rate === Infinity) return earliest;
        const slot = Math.max(earliest, this.next);
        this.next = slot + 1000 / this.rate;
        return slot;
    }

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

    /** AWS answered without throttling, successfully or not. */
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
    /** Unthrottled answers of the last second: the rate AWS allowed. */
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

    /** Full jitter under a doubling ceiling; `retry` is 1-based. */
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
            // An answer, so not throttled.
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
        // Retry-After is a date: the one use of the wall clock.
        if (info.retryAfterHint) wait = Math.max(wait, Math.min(this.capMs, info.retryAfterHint.getTime() - Date.now()));
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
