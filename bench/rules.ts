/**
 * Fault rules for the recording proxy (`RecordingProxy.inject`): an AWS-like rate limit, and a
 * wrapper that notes when each call arrived, so the bench can tell where a command's time went.
 */
import { faults, type Call, type FaultRule } from "../test/harness/proxy";

/** When each AWS call reached the proxy (ms, `performance.now()` clock), in log order. */
export interface Arrival {
    at: number;
    service: string;
    operation: string;
    region: string;
    throttled: boolean;
}

/** Wraps `inner` (or no rule) and records every call's arrival and whether it was throttled. */
export function recordArrivals(arrivals: Arrival[], inner?: FaultRule): FaultRule {
    return (call: Omit<Call, "status">, index: number) => {
        const fault = inner?.(call, index);
        arrivals.push({
            at: performance.now(),
            service: call.service,
            operation: call.operation,
            region: call.region,
            throttled: fault?.kind === "error" && fault.code === "ThrottlingException",
        });
        return fault;
    };
}

export interface TokenBucketOptions {
    /** Tokens added per second. */
    ratePerSecond: number;
    /** Tokens the bucket holds at most (and starts with). */
    capacity: number;
    /** The service limited (calls to other services pass). */
    service: string;
}

/**
 * A token bucket per region (the account is always moto's, so per account and region, as AWS
 * limits): a call takes a token or, when the bucket is empty, is answered ThrottlingException.
 * A throttled call takes no token.
 */
export function tokenBucket(
    opts: TokenBucketOptions,
    now: () => number = () => performance.now(),
): { rule: FaultRule; throttled: Map<string, number> } {
    const buckets = new Map<string, { tokens: number; at: number }>();
    const throttled = new Map<string, number>();
    const rule: FaultRule = (call) => {
        if (call.service !== opts.service) return undefined;
        const t = now();
        const b = buckets.get(call.region) ?? { tokens: opts.capacity, at: t };
        b.tokens = Math.min(opts.capacity, b.tokens + ((t - b.at) * opts.ratePerSecond) / 1000);
        b.at = t;
        buckets.set(call.region, b);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return undefined;
        }
        throttled.set(call.region, (throttled.get(call.region) ?? 0) + 1);
        return faults.throttle();
    };
    return { rule, throttled };
}
