/**
 * Every target a bench script judges a figure against, in one table: what the figure is, the most it
 * may be, its unit, and who set it. The reports print each figure measured beside its target and
 * whether it is met (`judge`); a target changes here, not in the scripts.
 */

export interface Target {
    /** The figure judged, as the report names it. */
    readonly what: string;
    /** The most the figure may be. */
    readonly max: number;
    readonly unit: string;
    /** Who set it. */
    readonly source: string;
    /** The N it is judged at, when only one. */
    readonly n?: number;
}

const FIRST_BENCH = "the first benchmark (b805db1)";
const ISSUE_10 = "issue 10 (landing-zone scale)";
const ISSUE_17 = "issue 17 (failing fast)";
const ISSUE_18 = "issue 18 (an organization: 300 accounts × 17 regions)";
const ISSUE_24 = "issue 24 (an organization at real AWS latency)";

export const TARGETS = {
    // bench/run.ts, ours from one account
    "run/preview-calls": { what: "AWS calls of a preview with no changes", max: 0, unit: "calls", source: FIRST_BENCH },
    "run/refresh-extra-calls": {
        what: "Config calls of a refresh beyond one per resource (a constant per run: one per source region)",
        max: 3,
        unit: "calls",
        source: FIRST_BENCH,
    },
    "run/create-calls": { what: "Config calls of a create per resource", max: 2, unit: "calls", source: FIRST_BENCH },
    "run/update-calls": {
        what: "Config calls of a tag update per resource (here Untag + Tag, the most one can need)",
        max: 2,
        unit: "calls",
        source: FIRST_BENCH,
    },
    "run/delete-calls": { what: "Config calls of a delete per resource", max: 1, unit: "calls", source: FIRST_BENCH },
    "run/sts-calls": {
        what: "STS GetCallerIdentity calls (not Config, counted apart) per source region per provider process",
        max: 1,
        unit: "calls",
        source: FIRST_BENCH,
    },
    "run/provider-bytes": { what: "serialized provider (`__provider`) per resource", max: 1024, unit: "bytes", source: FIRST_BENCH },
    "run/engine-floor-ratio": { what: "ours ÷ the engine floor", max: 1.25, unit: "×", source: FIRST_BENCH, n: 200 },
    // bench/landing-zone.ts, through roles in many accounts
    "landing-zone/lean-floor-ratio": { what: "ours ÷ the lean floor", max: 1.25, unit: "×", source: ISSUE_10 },
    "landing-zone/rate-floor-ratio": {
        what: "an up under 10 Config calls/s per (account, region) ÷ the rate floor",
        max: 1.15,
        unit: "×",
        source: ISSUE_10,
    },
    "landing-zone/latency-refresh-over-floor": {
        what: "a refresh with latency added to every AWS call, beyond the lean floor's refresh",
        max: 1,
        unit: "s",
        source: ISSUE_10,
    },
    // bench/failures.ts
    "failures/seconds": {
        what: "a run against a stalled endpoint, or from the first Ctrl-C to the end",
        max: 60,
        unit: "s",
        source: ISSUE_17,
    },
    // bench/organization.ts, ours (SourceAccountAuthorizations) at ORGANIZATION_SIZE on 2 CPUs
    "organization/up": { what: "`up` (create everything)", max: 90, unit: "s", source: ISSUE_18 },
    "organization/preview": { what: "`preview` with no changes", max: 15, unit: "s", source: ISSUE_18 },
    "organization/refresh": { what: "`refresh`", max: 60, unit: "s", source: ISSUE_18 },
    "organization/add-region": { what: "`up` adding one region to every account", max: 45, unit: "s", source: ISSUE_18 },
    "organization/destroy": { what: "`destroy`", max: 60, unit: "s", source: ISSUE_18 },
    "organization/latency-ratio": {
        what: "each command with 100 ms added to every AWS call ÷ the same command at 0 ms (latency hidden by concurrency)",
        max: 1.15,
        unit: "×",
        source: ISSUE_24,
    },
    "organization/latency-preview-create-ratio": {
        what: "the preview of the first up with 100 ms added to every AWS call ÷ the same at 0 ms",
        max: 1.5,
        unit: "×",
        source: ISSUE_24,
    },
    "organization/lean-floor-ratio": {
        what: "ours ÷ the per-authorization lean floor at the same N (each command with a time target)",
        max: 0.1,
        unit: "×",
        source: ISSUE_18,
    },
} as const satisfies Record<string, Target>;

export type TargetId = keyof typeof TARGETS;

/** The size the organization targets are set for (the defaults of bench/organization.ts). */
export const ORGANIZATION_SIZE = { accounts: 300, regions: 17 } as const;

export type Met = boolean | undefined;

/** MET, MISSED, or NOT MEASURED when there is no figure. */
export function mark(met: Met): string {
    return met === undefined ? "NOT MEASURED" : met ? "MET" : "MISSED";
}

const show = (x: number, unit: string) => {
    const digits = unit === "s" || unit === "×" ? 2 : Number.isInteger(x) ? 0 : 2;
    if (unit === "×") return `${x.toFixed(digits)}×`;
    return `${x.toFixed(digits)} ${x === 1 && unit !== "s" ? unit.replace(/s$/, "") : unit}`;
};

/** `x` with the target's unit: `12.30 s`, `1.18×`, `3 calls`. */
export function figure(id: TargetId, x: number): string {
    return show(x, TARGETS[id].unit);
}

/**
 * The verdict on `measured` (undefined or NaN: not measured): whether it is within the target, and
 * "measured 12.30 s vs target ≤ 90.00 s".
 */
export function judge(id: TargetId, measured: number | undefined): { met: Met; text: string } {
    const t: Target = TARGETS[id];
    if (measured === undefined || Number.isNaN(measured)) return { met: undefined, text: `not measured (target ≤ ${show(t.max, t.unit)})` };
    return { met: measured <= t.max, text: `measured ${show(measured, t.unit)} vs target ≤ ${show(t.max, t.unit)}` };
}
