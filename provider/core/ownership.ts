/**
 * Whose an authorization is, decided in one place ({@link decide}) for every operation. The owner tag
 * names a *creation* (owner plus a random ID), because a URN outlives one creation (a replacement, a
 * re-created stack). Without a live owner tag, AWS's creation time matching the recorded one proves it.
 */
import { randomBytes } from "node:crypto";
import { describeOwner, OWNER_TAG, ownerTagOf, ownerTagValue, sameStack } from "./owner";
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

function parseTag(value: string): { owner: string; creationId?: string } {
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

/** What a message about a create's refusal names. */
export interface Subject {
    /** Words for the authorization, before its ARN is known. */
    what: string;
    arn: string;
    owner: string;
    held: Tags;
}

/** Follows "<verb> … (<arn>): ". */
export function createRefusal(why: Why, s: Subject): string {
    const nothing = "Pulumi changed nothing.";
    const tag = ownerTagOf(s.held);
    switch (why) {
        case "interrupted":
            return sameUrnCause(s, tag === undefined ? undefined : parseTag(tag).creationId);
        case "pulumi-owned": {
            const other = parseTag(tag ?? "").owner;
            return (
                `${s.what} already exists, managed by the Pulumi resource ${describeOwner(other).readable} (its ${OWNER_TAG} tag). ${nothing} ` +
                pulumiOwnedAdvice(s.owner, other)
            );
        }
        case "control-tower":
            return `${s.what} already exists and ${controlTowerCause()}`;
        case "not-first-create":
            return (
                `${s.what} already exists, created outside Pulumi. ${nothing} takeOwnership applies only to the first create of a resource (a migration), ` +
                `not to the new authorization of a replacement nor to a region added to a SourceAccountAuthorizations later. ` +
                `Check who made it; set adoptExisting: true to manage its tags, or remove it first.`
            );
        default:
            return (
                `${s.what} already exists, created outside Pulumi (AWS Control Tower, another tool or a person). ${nothing} ` +
                `To manage its tags from this resource, set adoptExisting: true (destroy then leaves it in place); otherwise remove this resource from the program. ` +
                `If you are moving it from pulumi-aws or Terraform to this package, follow docs/migration.md, "Migrating from pulumi-aws or Terraform".`
            );
    }
}

export function controlTowerRefusal(): string {
    return `the authorization ${controlTowerCause()}`;
}

/** Follows "<the authorization> ". */
function controlTowerCause(): string {
    return (
        `carries AWS Control Tower's ${CONTROL_TOWER_TAG} tag: Control Tower created it, its mandatory control ` +
        `AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY protects it, and AWS advises against changing what Control Tower created. ` +
        `takeOwnership does not take it. Pulumi changed nothing. To manage only your declared tags on it (destroy leaves it), use adoptExisting: true; ` +
        `to take it from Control Tower anyway (destroy then deletes it), also set takeOwnershipFromControlTower: true.`
    );
}

/** This resource's owner tag, but a creation its state does not know. */
function sameUrnCause(ctx: Subject, creationId: string | undefined): string {
    const which = creationId ? `creation ${creationId}` : `an earlier version's tag`;
    return (
        `${ctx.what} already exists and carries this resource's owner tag (${describeOwner(ctx.owner).readable}, ${which}), ` +
        `but this stack's state records no such creation. Pulumi changed nothing. Either an interrupted \`pulumi up\` of this stack created it ` +
        `(Pulumi then warned of a pending operation, "interrupted while creating", for this resource), or another stack that had this stack's name did ` +
        `(\`pulumi stack rename\`, or a stack removed without destroying it), or a replacement ran with deleteBeforeReplace: false. ` +
        `If it is this stack's interrupted create, reclaim it once: \`${RECLAIM_ENV}=${ctx.arn} pulumi up\`. ` +
        `If another stack holds it, run \`pulumi up\` there first (its owner tag then names it), or remove this resource from this program.`
    );
}

/** Only what is safe to do. */
export function pulumiOwnedAdvice(owner: string | undefined, other: string): string {
    const name = describeOwner(other).readable;
    const advice =
        owner !== undefined && sameStack(other, owner)
            ? `${name} is in this stack. If you renamed that resource or moved it into or out of a component, give this one an alias ` +
              `for its old name and parent (aliases: [{ name: "${name.split("/").pop()}" }] for a rename) so that Pulumi keeps the same authorization. ` +
              `If two resources of this program declare the same authorization (same aggregator account and region, same source region), remove one of them. ` +
              `To move it to this resource from that one (removed from the program in the same up), set takeOwnership: true on this one for that up.`
            : `Two stacks cannot both manage it. To move it into this stack, move the resource's state with \`pulumi state move\` ` +
              `(its recorded creation moves with it) and its declaration with it; takeOwnership does not take an authorization that another stack's resource manages.`;
    return `${advice} adoptExisting does not apply to authorizations that a Pulumi resource manages.`;
}

export function describeHolder(holder: string | undefined): string {
    return holder === undefined
        ? `it carries no ${OWNER_TAG} tag`
        : `its ${OWNER_TAG} tag names ${describeOwner(holder).readable}${parseTag(holder).creationId ? `, creation ${parseTag(holder).creationId}` : ""}`;
}
