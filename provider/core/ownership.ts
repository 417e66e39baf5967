/**
 * Whose an authorization is, decided in one place ({@link decide}) for every operation. The owner tag
 * names a *creation* (owner plus a random ID), because a URN outlives one creation (a replacement, a
 * re-created stack). Without a live owner tag, AWS's creation time matching the recorded one proves it.
 */
import { randomBytes } from "node:crypto";
import { ownerTagOf, ownerTagValue, sameStack } from "./owner";
export { ownerTagValue };
import { tagValue } from "./model/tags";
import type { Tags } from "./model/types";
import type { Mode } from "./tag-policy";

/** ARNs, comma-separated, that a create may reclaim from its own interrupted create. */
export const RECLAIM_ENV = "PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM";

/**
 * Marks what AWS Control Tower created, which its mandatory controls protect and AWS advises not to change.
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
 * @see https://docs.aws.amazon.com/controltower/latest/userguide/orgs-guidance.html
 */
export const CONTROL_TOWER_TAG = "aws-control-tower";

const HASH = / sha256:([0-9a-f]{32})$/;
/** A value naming an owner, not a placeholder. */
const HASH_IN = / sha256:[0-9a-f]{32}(?: creation:[0-9a-f]{16})?$/;
const CREATION = / creation:([0-9a-f]{16})$/;

export function newCreationId(): string {
    return randomBytes(8).toString("hex");
}

export function parseTag(value: string): { owner: string; creationId?: string } {
    const m = CREATION.exec(value);
    return m ? { owner: value.slice(0, m.index), creationId: m[1] } : { owner: value };
}

/** Its hash, or the whole of a 0.1.0 owner. */
function ownerKey(owner: string): string {
    return HASH.exec(owner)?.[1] ?? owner;
}

/** What a resource's state records of the creation it owns. */
export interface Creation {
    /** The recorded owner and, in an update after an aliased rename, the program's. */
    owners: (string | undefined)[];
    creationId?: string;
    /** Empty when never learnt. */
    creationTime?: string;
}

export function tagNamesCreation(held: Tags, c: Creation): boolean {
    const tag = ownerTagOf(held);
    if (tag === undefined) return false;
    const owners = c.owners.filter((o): o is string => o !== undefined);
    if (c.creationId === undefined) return owners.some((o) => o === tag); // state from before creation IDs
    const t = parseTag(tag);
    return t.creationId === c.creationId && owners.some((o) => ownerKey(o) === ownerKey(t.owner));
}

/** `confirm`: a create's look at AWS right after its Put. */
export type Op = "create" | "confirm" | "read" | "update" | "delete";

/** What AWS holds at the key, as far as ownership goes. */
export type Aws =
    | "absent"
    | "this creation"
    /** Another creation of this resource: an interrupted create, or a stack that had this name. */
    | "this resource"
    /** Another resource of this stack: a migration, or a rename without an alias. */
    | "this stack"
    | "another stack"
    | "Control Tower's, no owner tag"
    | "no owner tag";

export interface Facts {
    op: Op;
    /** Undefined when AWS holds none. */
    held: Tags | undefined;
    /** None for a create. */
    recorded?: { mode: Mode; creation: Creation };
    owner?: string;
    /** Undefined until looked up (`ask`), null when AWS lists none. */
    awsCreationTime?: string | null;
    allow?: Allow;
}

/** What the inputs and the run allow a create, or an adopted resource's update. */
export interface Allow {
    adoptExisting: boolean;
    takeOwnership: boolean;
    takeOwnershipFromControlTower: boolean;
    /** Not the new half of a replacement, not a region added later. */
    firstCreate: boolean;
    /** Listed in {@link RECLAIM_ENV}. */
    reclaimed: boolean;
}

/** Why a decision refuses or leaves. */
export type Why =
    | "interrupted"
    | "pulumi-owned"
    | "control-tower"
    | "not-first-create"
    | "outside-pulumi"
    | "race"
    | "gone"
    | "another-creation"
    | "replaced"
    | "unproven";

export type Decision =
    /** Look up AWS's creation time, then decide again. */
    | { act: "ask" }
    | { act: "create" }
    /** `own` and `taken` write a new creation's owner tag. */
    | { act: "take"; mode: Mode }
    /** This resource's; `tagged` false: write the owner tag back. */
    | { act: "keep"; tagged: boolean }
    /** Adopted: only the declared keys are this resource's. */
    | { act: "manage" }
    /** Not this resource's, or gone: change nothing. */
    | { act: "leave"; why: Why }
    /** Fail, changing nothing. */
    | { act: "refuse"; why: Why };

/** Unset fields match anything. */
interface When {
    op?: Op[];
    aws?: Aws[];
    state?: (Mode | "none")[];
    /** Each required true. */
    inputs?: (keyof Allow)[];
    /** AWS's creation time against the recorded one. */
    time?: ("same" | "other" | "unknown" | "not recorded")[];
    /** A create that never learnt whether AWS applied its Put. */
    unconfirmed?: boolean;
}

const C: Op[] = ["create"];
const RUD: Op[] = ["read", "update", "delete"];
const UNTAGGED: Aws[] = ["no owner tag", "Control Tower's, no owner tag"];
const TAKE: (keyof Allow)[] = ["takeOwnership", "firstCreate"];

/** The first matching row decides; docs/ownership-and-adoption.md shows it, checked by a test. */
export const TABLE: readonly { when: When; then: Decision }[] = [
    { when: { op: C, aws: ["absent"] }, then: { act: "create" } },
    { when: { op: C, aws: ["this resource"], inputs: ["reclaimed"] }, then: { act: "take", mode: "own" } },
    { when: { op: C, aws: ["this resource"] }, then: { act: "refuse", why: "interrupted" } },
    { when: { op: C, aws: ["this stack"], inputs: TAKE }, then: { act: "take", mode: "taken" } },
    { when: { op: C, aws: ["this stack", "another stack"] }, then: { act: "refuse", why: "pulumi-owned" } },
    {
        when: { op: C, aws: ["Control Tower's, no owner tag"], inputs: [...TAKE, "takeOwnershipFromControlTower"] },
        then: { act: "take", mode: "taken" },
    },
    { when: { op: C, aws: ["no owner tag"], inputs: TAKE }, then: { act: "take", mode: "taken" } },
    { when: { op: C, aws: UNTAGGED, inputs: ["adoptExisting"] }, then: { act: "take", mode: "adopted" } },
    { when: { op: C, aws: ["Control Tower's, no owner tag"], inputs: ["takeOwnership"] }, then: { act: "refuse", why: "control-tower" } },
    { when: { op: C, aws: ["no owner tag"], inputs: ["takeOwnership"] }, then: { act: "refuse", why: "not-first-create" } },
    { when: { op: C, aws: UNTAGGED }, then: { act: "refuse", why: "outside-pulumi" } },
    { when: { op: ["confirm"], aws: ["this creation"] }, then: { act: "keep", tagged: true } },
    { when: { op: ["confirm"] }, then: { act: "leave", why: "race" } },
    { when: { op: ["update"], aws: ["absent"], state: ["own", "taken"], unconfirmed: true }, then: { act: "create" } },
    { when: { op: RUD, aws: ["absent"] }, then: { act: "leave", why: "gone" } },
    { when: { op: RUD, aws: ["this creation"], state: ["own", "taken"] }, then: { act: "keep", tagged: true } },
    { when: { op: RUD, aws: ["this creation"], state: ["adopted"] }, then: { act: "manage" } },
    // A live owner tag naming another creation wins over a creation-time match and an adoption.
    { when: { op: RUD, aws: ["this resource", "this stack", "another stack"] }, then: { act: "leave", why: "another-creation" } },
    {
        when: {
            op: ["update"],
            aws: ["Control Tower's, no owner tag"],
            state: ["adopted"],
            inputs: ["takeOwnership", "takeOwnershipFromControlTower"],
        },
        then: { act: "take", mode: "taken" },
    },
    {
        when: { op: ["update"], aws: ["Control Tower's, no owner tag"], state: ["adopted"], inputs: ["takeOwnership"] },
        then: { act: "refuse", why: "control-tower" },
    },
    {
        when: { op: ["update"], aws: ["no owner tag"], state: ["adopted"], inputs: ["takeOwnership"] },
        then: { act: "take", mode: "taken" },
    },
    { when: { op: RUD, aws: UNTAGGED, state: ["adopted"] }, then: { act: "manage" } },
    { when: { op: RUD, aws: UNTAGGED, time: ["not recorded"] }, then: { act: "refuse", why: "unproven" } },
    { when: { op: RUD, aws: UNTAGGED, time: ["unknown"] }, then: { act: "ask" } },
    { when: { op: RUD, aws: UNTAGGED, time: ["same"] }, then: { act: "keep", tagged: false } },
    { when: { op: RUD, aws: UNTAGGED, time: ["other"] }, then: { act: "leave", why: "replaced" } },
];

export function classify(held: Tags | undefined, recorded: Creation | undefined, owner: string | undefined): Aws {
    if (held === undefined) return "absent";
    if (recorded !== undefined && tagNamesCreation(held, recorded)) return "this creation";
    const tag = ownerTagOf(held);
    // A placeholder (a cleanup job's) is no live owner tag; a create still refuses it.
    if (tag === undefined || (recorded !== undefined && !HASH_IN.test(tag))) {
        return tagValue(held, CONTROL_TOWER_TAG) !== undefined ? "Control Tower's, no owner tag" : "no owner tag";
    }
    const mine = [owner, ...(recorded?.owners ?? [])].filter((o): o is string => o !== undefined);
    const holder = parseTag(tag).owner;
    if (mine.some((o) => ownerKey(o) === ownerKey(holder))) return "this resource";
    return mine.some((o) => sameStack(o, holder)) ? "this stack" : "another stack";
}

function timeClass(f: Facts): NonNullable<When["time"]>[number] {
    const recorded = f.recorded?.creation.creationTime;
    if (!recorded) return "not recorded";
    if (f.awsCreationTime === undefined) return "unknown";
    return f.awsCreationTime !== null && sameInstant(f.awsCreationTime, recorded) ? "same" : "other";
}

export function decide(f: Facts): Decision {
    const aws = classify(f.held, f.recorded?.creation, f.owner);
    const state = f.recorded?.mode ?? "none";
    const unconfirmed = f.recorded !== undefined && !f.recorded.creation.creationTime && f.recorded.creation.creationId !== undefined;
    for (const { when, then } of TABLE) {
        if (when.op && !when.op.includes(f.op)) continue;
        if (when.aws && !when.aws.includes(aws)) continue;
        if (when.state && !when.state.includes(state)) continue;
        if (when.inputs && !when.inputs.every((k) => f.allow?.[k] === true)) continue;
        if (when.unconfirmed !== undefined && when.unconfirmed !== unconfirmed) continue;
        if (when.time && !when.time.includes(timeClass(f))) continue;
        return then;
    }
    throw new Error(`no ownership rule for ${f.op} of "${aws}" (state ${state})`);
}

function sameInstant(a: string, b: string): boolean {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    return !Number.isNaN(x) && x === y;
}

export function reclaimedArns(env: NodeJS.ProcessEnv = process.env): Set<string> {
    return new Set(
        (env[RECLAIM_ENV] ?? "")
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
    );
}
