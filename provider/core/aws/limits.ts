/**
 * How long and how often the provider waits for AWS. Each limit has a default, an environment
 * variable and (the timeouts) a stack config key; a value out of its range is an error naming the
 * variable and the range, never replaced by the default. The defaults make a stalled endpoint fail an
 * `up` or a preview within 60 s whatever the number of resources (one shared account lookup, 10 s per
 * request, 30 s per operation), and so bound the first Ctrl-C, which the dynamic-provider host does
 * not pass on: the engine waits for the operations in flight.
 */
import { quote } from "../model/redact";

/**
 * How many regions of one resource (`SourceAccountAuthorizations`) are worked on at once: all of them
 * (no partition has this many), within {@link PROCESS_CONCURRENCY}, so that each step of an operation
 * costs one round trip whatever the number of regions.
 */
export const REGION_CONCURRENCY = 64;

/**
 * How many authorizations all resources of the provider process work on at once, so that 5,100 region
 * operations started together do not each run out their deadline behind the others (a slot is waited
 * for before the deadline starts). Measured at 40 × 17 with 250 ms per call: 32 / 64 / 128 / 256 slots
 * gave `up` 32 / 26 / 20 / 21 s; 128 is the smallest on the plateau (BENCHMARKS.md).
 */
export const PROCESS_CONCURRENCY = 128;

/**
 * AWS Config clients kept, the least recently used dropped beyond it. One per (credentials, region)
 * would keep 5,100 at organization scale, about 20 KB of heap each (100 MB); an operation uses its
 * client for a few calls in a row, and making one again costs well under a millisecond.
 */
export const MAX_CLIENTS = 2 * PROCESS_CONCURRENCY;

/** Connections kept per endpoint (host and port) by the shared pool: room for every call in flight, and the account lookups beside them. */
export const MAX_SOCKETS = 2 * PROCESS_CONCURRENCY;

/** The namespace of this package's own stack config keys. */
export const CONFIG_NAMESPACE = "pulumi-aws-config-aggregation";

export interface Limits {
    /** Attempts per AWS call, the first included. */
    maxAttempts: number;
    /** Longest wait for a TCP (and TLS) connection, ms. */
    connectTimeoutMs: number;
    /** Longest wait for one request's complete answer, ms. */
    requestTimeoutMs: number;
    /** Longest a provider operation (create, read, update, delete) may take, ms. */
    operationTimeoutMs: number;
    /** Longest total backoff of one call across its retries, ms. */
    maxTotalBackoffMs: number;
}

interface Knob {
    /** Environment variable. */
    env: string;
    /** Stack config key, when there is one. */
    config?: string;
    min: number;
    max: number;
    default: number;
    /** What the number counts, for messages. */
    unit: string;
}

export const KNOBS: { readonly [K in keyof Limits]: Knob } = {
    maxAttempts: { env: "AWS_MAX_ATTEMPTS", min: 1, max: 20, default: 8, unit: "attempts" },
    connectTimeoutMs: {
        env: "PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS",
        config: `${CONFIG_NAMESPACE}:connectTimeoutMs`,
        min: 10,
        max: 120_000,
        default: 5_000,
        unit: "ms",
    },
    requestTimeoutMs: {
        env: "PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS",
        config: `${CONFIG_NAMESPACE}:requestTimeoutMs`,
        min: 10,
        max: 600_000,
        default: 10_000,
        unit: "ms",
    },
    operationTimeoutMs: {
        env: "PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS",
        config: `${CONFIG_NAMESPACE}:operationTimeoutMs`,
        min: 100,
        max: 3_600_000,
        default: 30_000,
        unit: "ms",
    },
    maxTotalBackoffMs: {
        env: "PULUMI_AWS_CONFIG_AGGREGATION_MAX_TOTAL_BACKOFF_MS",
        config: `${CONFIG_NAMESPACE}:maxTotalBackoffMs`,
        min: 0,
        max: 600_000,
        default: 120_000,
        unit: "ms",
    },
};

/** The limits in effect, and what is wrong with the settings (each problem names its variable and range). */
export interface ResolvedLimits {
    limits: Limits;
    problems: string[];
}

function parse(raw: unknown): number | undefined {
    if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : undefined;
    if (typeof raw !== "string" || !/^\s*\d+\s*$/.test(raw)) return undefined;
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The limits from the environment and the stack config (`config` holds the stack config keys the
 * engine passed to `configure`; a stack config value wins over the environment variable).
 */
export function resolveLimits(env: NodeJS.ProcessEnv, config: Readonly<Record<string, unknown>> = {}): ResolvedLimits {
    const limits = {} as Limits;
    const problems: string[] = [];
    for (const [name, knob] of Object.entries(KNOBS) as [keyof Limits, Knob][]) {
        const fromConfig = knob.config !== undefined && config[knob.config] !== undefined && config[knob.config] !== "";
        const raw = fromConfig ? config[knob.config!] : env[knob.env];
        limits[name] = knob.default;
        if (raw === undefined || raw === "") continue;
        const n = parse(raw);
        if (n === undefined || n < knob.min || n > knob.max) {
            const where = fromConfig ? `the stack config ${knob.config}` : knob.env;
            const got = typeof raw === "string" ? quote(raw) : typeof raw;
            problems.push(
                `${where} must be a whole number of ${knob.unit} from ${knob.min} to ${knob.max}, got ${got}; ` +
                    `unset it for the default, ${knob.default}`,
            );
            continue;
        }
        limits[name] = n;
    }
    return { limits, problems };
}

/** `12000` ⇒ `"12 s"`, `500` ⇒ `"0.5 s"`. */
export function seconds(ms: number): string {
    return `${Number((ms / 1000).toFixed(3))} s`;
}
