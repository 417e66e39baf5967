/**
 * Every target a bench section judges a figure against: what the figure is, the most it may be, its unit, and who set it. The report prints each
 * figure beside its target and whether it is met (`judge`); a target changes here, not in the sections.
 */

/** The figure judged, as the report names it; the most it may be; who set it; the N it is judged at, when only one. */
export type Target = { readonly what: string; readonly max: number; readonly unit: string; readonly source: string; readonly n?: number };

const FIRST = "the first benchmark (b805db1)";
const I10 = "issue 10 (landing-zone scale)";
const I17 = "issue 17 (failing fast)";
const I18 = "issue 18 (an organization: 300 accounts × 17 regions)";
const I24 = "issue 24 (an organization at real AWS latency)";

/** The longer names of the targets. */
const REFRESH_EXTRA_CALLS = "Config calls of a refresh beyond one per resource (a constant per run: one per source region)";
const LATENCY_REFRESH_OVER_FLOOR = "a refresh with latency added to every AWS call, beyond the lean floor's refresh";
const LATENCY_RATIO = "each command with 100 ms added to every AWS call ÷ the same command at 0 ms (latency hidden by concurrency)";
const LATENCY_PREVIEW_CREATE_RATIO = "the preview of the first up with 100 ms added to every AWS call ÷ the same at 0 ms";
const LEAN_FLOOR_RATIO = "ours ÷ the per-authorization lean floor at the same N (each command with a time target)";

const t = (what: string, max: number, unit: string, source: string, n?: number): Target => ({ what, max, unit, source, n });

export const TARGETS = {
    // The main section, ours from one account
    "run/preview-calls": t("AWS calls of a preview with no changes", 0, "calls", FIRST),
    "run/refresh-extra-calls": t(REFRESH_EXTRA_CALLS, 3, "calls", FIRST),
    "run/create-calls": t("Config calls of a create per resource", 2, "calls", FIRST),
    "run/update-calls": t("Config calls of a tag update per resource (here Untag + Tag, the most one can need)", 2, "calls", FIRST),
    "run/delete-calls": t("Config calls of a delete per resource", 1, "calls", FIRST),
    "run/sts-calls": t("STS GetCallerIdentity calls (not Config, counted apart) per source region per provider process", 1, "calls", FIRST),
    "run/provider-bytes": t("serialized provider (`__provider`) per resource", 1024, "bytes", FIRST),
    "run/engine-floor-ratio": t("ours ÷ the engine floor", 1.25, "×", FIRST, 200),
    // The landing-zone section, through roles in many accounts
    "landing-zone/lean-floor-ratio": t("ours ÷ the lean floor", 1.25, "×", I10),
    "landing-zone/rate-floor-ratio": t("an up under 10 Config calls/s per (account, region) ÷ the rate floor", 1.15, "×", I10),
    "landing-zone/latency-refresh-over-floor": t(LATENCY_REFRESH_OVER_FLOOR, 1, "s", I10),
    "failures/seconds": t("a run against a stalled endpoint, or from the first Ctrl-C to the end", 60, "s", I17),
    // The organization section, ours (SourceAccountAuthorizations) at ORGANIZATION_SIZE on 2 CPUs
    "organization/up": t("`up` (create everything)", 90, "s", I18),
    "organization/preview": t("`preview` with no changes", 15, "s", I18),
    "organization/refresh": t("`refresh`", 60, "s", I18),
    "organization/add-region": t("`up` adding one region to every account", 45, "s", I18),
    "organization/destroy": t("`destroy`", 60, "s", I18),
    "organization/latency-ratio": t(LATENCY_RATIO, 1.15, "×", I24),
    "organization/latency-preview-create-ratio": t(LATENCY_PREVIEW_CREATE_RATIO, 1.5, "×", I24),
    "organization/lean-floor-ratio": t(LEAN_FLOOR_RATIO, 0.1, "×", I18),
};

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

/** The verdict on `measured` (undefined or NaN: not measured): whether it is within the target, and "measured 12.30 s vs target ≤ 90.00 s". */
export function judge(id: TargetId, measured: number | undefined): { met: Met; text: string } {
    const t: Target = TARGETS[id];
    if (measured === undefined || Number.isNaN(measured)) return { met: undefined, text: `not measured (target ≤ ${show(t.max, t.unit)})` };
    return { met: measured <= t.max, text: `measured ${show(measured, t.unit)} vs target ≤ ${show(t.max, t.unit)}` };
}
