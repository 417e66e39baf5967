/**
 * Whose an authorization is: the one place that decides it. Every operation of both resource types,
 * for every region, states the facts (what AWS holds, what the state records, what the inputs allow)
 * and acts on what {@link decide} answers; nothing else compares owner tags.
 *
 * The owner tag names a *creation*: the resource's owner (`owner.ts`) plus a random creation ID drawn
 * by the create that made the authorization, because a URN outlives one creation (a replacement, a
 * stack re-created under an old name). An authorization is this resource's when its owner tag names
 * the recorded creation, or when it carries no live owner tag and AWS reports the recorded creation
 * time (the tag was removed: it is written back). A live owner tag naming another creation always
 * wins over a creation-time match.
 */
import { randomBytes } from "node:crypto";
import { describeOwner, OWNER_TAG, ownerTagOf, ownerTagValue, sameStack } from "./owner";
export { ownerTagValue };
import { tagValue } from "./model/tags";
import type { Tags } from "./model/types";
import type { Mode } from "./tag-policy";

/** The environment variable that lets a create reclaim its own interrupted create, by ARN (comma-separated). */
export const RECLAIM_ENV = "PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM";

/**
 * The tag AWS Control Tower puts on the resources it creates. Its mandatory control
 * AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY keys on it ("Disallow changes to AWS Config
 * aggregation authorizations created by AWS Control Tower",
 * https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html), and AWS's
 * guidance is not to modify or delete resources Control Tower created
 * (https://docs.aws.amazon.com/controltower/latest/userguide/orgs-guidance.html).
 */
export const CONTROL_TOWER_TAG = "aws-control-tower";

const HASH = / sha256:([0-9a-f]{32})$/;
/** An owner tag value that names an owner (and so a creation of it): it holds an owner's hash. */
const HASH_IN = / sha256:[0-9a-f]{32}(?: creation:[0-9a-f]{16})?$/;
const CREATION = / creation:([0-9a-f]{16})$/;

/** A new creation ID: 64 random bits as 16 hex digits. */
export function newCreationId(): string {
    return randomBytes(8).toString("hex");
}

/** An owner tag value read apart: the owner it names (without the creation), and the creation ID if any. */
function parseTag(value: string): { owner: string; creationId?: string } {
    const m = CREATION.exec(value);
    return m ? { owner: value.slice(0, m.index), creationId: m[1] } : { owner: value };
}

/** The part of an owner that identifies it: its hash, or the whole value for a 0.1.0 owner (no hash). */
function ownerKey(owner: string): string {
    return HASH.exec(owner)?.[1] ?? owner;
}

/** What a resource's state records of the creation it owns. */
export interface Creation {
    /** The owners it may be tagged with: the recorded one and, during an update, the one the program gives now (a rename with an alias). */
    owners: (string | undefined)[];
    /** The recorded creation ID; absent in state written before creation IDs. */
    creationId?: string;
    /** The creation time AWS reported, ISO-8601; absent or empty when it was never learnt. */
    creationTime?: string;
}

/** True when the owner tag of `held` names exactly the creation `c`. */
export function tagNamesCreation(held: Tags, c: Creation): boolean {
    const tag = ownerTagOf(held);
    if (tag === undefined) return false;
    const owners = c.owners.filter((o): o is string => o !== undefined);
    if (c.creationId === undefined) return owners.some((o) => o === tag); // state from before creation IDs
    const t = parseTag(tag);
    return t.creationId === c.creationId && owners.some((o) => ownerKey(o) === ownerKey(t.owner));
}

/** The operation a decision is for; `confirm` is a create's look at what AWS holds right after its Put. */
export type Op = "create" | "confirm" | "read" | "update" | "delete";

/** What AWS holds at the key, as far as ownership goes: the first column of the table. */
export type Aws =
    | "absent"
    | "this creation"
    /** This resource's owner tag, another creation: an interrupted create, or a stack that had this stack's name. */
    | "this resource"
    /** Another resource of this stack (a migration within the stack, or a rename without an alias). */
    | "this stack"
    | "another stack"
    | "Control Tower's, no owner tag"
    | "no owner tag";

/** The facts a decision is made from. */
export interface Facts {
    op: Op;
    /** The tags AWS holds at the key; undefined when it holds none. */
    held: Tags | undefined;
    /** The resource's state: how it holds the authorization and which creation; none for a create. */
    recorded?: { mode: Mode; creation: Creation };
    /** The resource's owner as the program gives it (a create; an update after a rename with an alias). */
    owner?: string;
    /** AWS's creation time for what it holds: undefined until looked up ({@link Decision} `ask`), null when AWS lists none. */
    awsCreationTime?: string | null;
    /** A create: what the inputs and the run allow. */
    allow?: Allow;
}

/** What a create's (or an adopted resource's update's) inputs and run allow. */
export interface Allow {
    adoptExisting: boolean;
    takeOwnership: boolean;
    takeOwnershipFromControlTower: boolean;
    /** The resource's first create: not the new half of a replacement, not a region added later. */
    firstCreate: boolean;
    /** The ARN is listed in {@link RECLAIM_ENV}. */
    reclaimed: boolean;
}

/** Why a decision refuses or leaves: each has its sentence in `authorization.ts`. */
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

/** What to do. */
export type Decision =
    /** The owner tag cannot answer: look up AWS's creation time, then decide again. */
    | { act: "ask" }
    /** Nothing there: Put a new creation. */
    | { act: "create" }
    /** Take the existing authorization into this resource as `mode`; `own` and `taken` write a new creation's owner tag. */
    | { act: "take"; mode: Mode }
    /** This resource's: read records it, update changes its tags, delete deletes it; `tagged` false: write the owner tag back. */
    | { act: "keep"; tagged: boolean }
    /** Adopted: only the declared keys are this resource's; delete leaves it, removing the tags it set. */
    | { act: "manage" }
    /** Not this resource's (or gone): read reports it gone, update refuses, delete leaves it. Nothing changes. */
    | { act: "leave"; why: Why }
    /** Fail, changing nothing. */
    | { act: "refuse"; why: Why };

/** Which facts a row matches: unset fields match anything. */
interface When {
    op?: Op[];
    aws?: Aws[];
    state?: (Mode | "none")[];
    /** A create's (or adopted update's) inputs, each required true. */
    inputs?: (keyof Allow)[];
    /** AWS's creation time compared with the recorded one (rows that need it). */
    time?: ("same" | "other" | "unknown" | "not recorded")[];
    /** The state records a creation whose create never learnt whether AWS applied its Put. */
    unconfirmed?: boolean;
}

const C: Op[] = ["create"];
const RUD: Op[] = ["read", "update", "delete"];
const UNTAGGED: Aws[] = ["no owner tag", "Control Tower's, no owner tag"];
const TAKE: (keyof Allow)[] = ["takeOwnership", "firstCreate"];

/**
 * The decision table: the first row whose facts match decides. docs/ownership-and-adoption.md, "Guarantees",
 * shows it, and test/unit/readme.test.ts checks that copy against these rows.
 */
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
    // A live owner tag naming another creation always wins, over a creation-time match and over an adoption.
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

/** What AWS holds, classed for the table. */
export function classify(held: Tags | undefined, recorded: Creation | undefined, owner: string | undefined): Aws {
    if (held === undefined) return "absent";
    if (recorded !== undefined && tagNamesCreation(held, recorded)) return "this creation";
    const tag = ownerTagOf(held);
    // A value that names no owner (a cleanup job's placeholder) is no live owner tag; a create still refuses it.
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

/** The decision for `f`: the first row of {@link TABLE} that matches. */
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

/** The ARNs listed in {@link RECLAIM_ENV}. */
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
    /** The resource's owner. */
    owner: string;
    /** The tags AWS holds. */
    held: Tags;
}

/** The sentence for a create that {@link decide} refused (`why`), after "<verb> … (<arn>): ". */
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

/** Why takeOwnership refuses an adopted authorization that AWS Control Tower made, for an update. */
export function controlTowerRefusal(): string {
    return `the authorization ${controlTowerCause()}`;
}

/** Why takeOwnership refuses an authorization that AWS Control Tower made; follows "<the authorization> ". */
function controlTowerCause(): string {
    return (
        `carries AWS Control Tower's ${CONTROL_TOWER_TAG} tag: Control Tower created it, its mandatory control ` +
        `AWS-GR_CONFIG_AGGREGATION_AUTHORIZATION_POLICY protects it, and AWS advises against changing what Control Tower created. ` +
        `takeOwnership does not take it. Pulumi changed nothing. To manage only your declared tags on it (destroy leaves it), use adoptExisting: true; ` +
        `to take it from Control Tower anyway (destroy then deletes it), also set takeOwnershipFromControlTower: true.`
    );
}

/** Why a create refuses an authorization carrying this resource's own owner, but not a creation it knows. */
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

/** Advice for an authorization that another Pulumi resource (`other`) manages; only what is safe to do. */
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

/** Words for an authorization's current holder, from its owner tag, for messages. */
export function describeHolder(holder: string | undefined): string {
    return holder === undefined
        ? `it carries no ${OWNER_TAG} tag`
        : `its ${OWNER_TAG} tag names ${describeOwner(holder).readable}${parseTag(holder).creationId ? `, creation ${parseTag(holder).creationId}` : ""}`;
}
