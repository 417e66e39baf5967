/**
 * Whose an authorization is: the one place that decides it. Every path (create, read, update, delete)
 * asks here and acts on the answer; nothing else compares owner tags.
 *
 * **Identity per creation.** A URN names a Pulumi resource, not one creation of it: both halves of a
 * replacement share it, and a stack renamed and then created again under its old name reuses every
 * URN. So the owner tag names a *creation*: the resource's owner (`owner.ts`, a hash of the
 * organization and the URN) plus a random creation ID drawn by the create that made the authorization,
 * `<organization>/<project>/<stack>/<name> sha256:<32 hex> creation:<16 hex>`. The state records the
 * creation ID and the creation time AWS reported. An authorization is this resource's when
 * - its owner tag names this resource's owner and the recorded creation ID (one ListTagsForResource), or
 * - its owner tag was removed or edited, but AWS reports the creation time the state recorded: it is
 *   the very object this resource created (AWS gives a new one a new creation time), and the tag is
 *   written back.
 * Anything else is someone else's. State written before creation IDs (0.1.0 and 0.2.0 pre-releases)
 * records none: for it, the tag equal to the recorded owner stands in, and the next update writes one.
 *
 * **A create never takes over an authorization silently.** One that carries this resource's owner
 * but another creation is either this stack's interrupted create or a stack that once had this
 * stack's name; the provider cannot tell them apart (only the state's pending operations can), so
 * the create fails and names the one-shot command that reclaims it ({@link RECLAIM_ENV}).
 */
import { randomBytes } from "node:crypto";
import { describeOwner, OWNER_TAG, ownerTagOf, sameStack } from "./owner";
import { tagValue } from "./model/tags";
import type { Tags } from "./model/types";

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
const CREATION = / creation:([0-9a-f]{16})$/;
/** AWS's tag value limit. */
const MAX_TAG_VALUE = 256;

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

/**
 * The owner tag value of creation `creationId` of the resource `owner`. The readable part is cut to
 * keep the value within AWS's 256 characters; it is never compared.
 */
export function ownerTagValue(owner: string, creationId: string | undefined): string {
    if (creationId === undefined) return owner;
    const suffix = ` creation:${creationId}`;
    const m = HASH.exec(owner);
    const readable = m ? owner.slice(0, m.index) : owner;
    const tail = (m ? m[0] : "") + suffix;
    return [...readable].slice(0, MAX_TAG_VALUE - tail.length).join("") + tail;
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

/**
 * Where an existing resource stands with the authorization AWS holds at its ARN:
 * - `ours`: the recorded creation; `tagged` false when it was proven by the creation time because the
 *   owner tag is gone or edited (then the next update writes it back);
 * - `replaced`: AWS holds another creation (its creation time differs): the one this resource made
 *   is gone, and this one is not to be touched;
 * - `unproven`: the tag does not name this creation and no creation time was recorded to compare.
 */
export type Standing = { kind: "ours"; tagged: boolean } | { kind: "replaced"; holder?: string } | { kind: "unproven"; holder?: string };

/**
 * Decides a resource's standing with an authorization whose tags are `held`. `creationTime` looks the
 * authorization up by key (a paged DescribeAggregationAuthorizations), only when the tag cannot answer.
 */
export async function standing(held: Tags, c: Creation, creationTime: () => Promise<string | undefined>): Promise<Standing> {
    if (tagNamesCreation(held, c)) return { kind: "ours", tagged: true };
    const holder = ownerTagOf(held);
    if (!c.creationTime) return { kind: "unproven", holder };
    const actual = await creationTime();
    if (actual !== undefined && sameInstant(actual, c.creationTime)) return { kind: "ours", tagged: false };
    return { kind: "replaced", holder };
}

function sameInstant(a: string, b: string): boolean {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    return !Number.isNaN(x) && x === y;
}

/** What a create does with an authorization that exists already. */
export type Claim =
    /** Manage it as this resource's own: write the owner tag (this creation), and destroy deletes it. */
    | { kind: "own"; reason: "reclaimed" | "takeOwnership" }
    /** Manage only the declared tag keys; no owner tag; destroy leaves it. */
    | { kind: "adopt" }
    /** Refuse, changing nothing, for `why` (a sentence for the error). */
    | { kind: "refuse"; why: string };

/** What a create knows besides the existing authorization's tags. */
export interface ClaimContext {
    /** The resource's owner (from the program). */
    owner: string;
    /** The ARN of the authorization. */
    arn: string;
    /** Words for the authorization in messages. */
    what: string;
    adoptExisting: boolean;
    takeOwnership: boolean;
    takeOwnershipFromControlTower: boolean;
    /** This create is the new half of a replacement: `takeOwnership` (a one-shot migration) does not apply. */
    replacing: boolean;
    /** ARNs the user reclaimed through {@link RECLAIM_ENV}. */
    reclaim: ReadonlySet<string>;
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

/**
 * True when the owner tag of `tags` names the resource `owner` (any creation of it). A preview leaves
 * those to the up: `pulumi up --replace` previews its new half as a create over the authorization its
 * old half deletes first, which only the up can tell from an interrupted create.
 */
export function carriesOwner(tags: Tags, owner: string): boolean {
    const tag = ownerTagOf(tags);
    return tag !== undefined && ownerKey(parseTag(tag).owner) === ownerKey(owner);
}

/** Decides what a create does with an existing authorization whose tags are `existing`. */
export function claim(existing: Tags, ctx: ClaimContext): Claim {
    const tag = ownerTagOf(existing);
    const nothing = "Pulumi changed nothing.";
    if (tag !== undefined) {
        const t = parseTag(tag);
        if (carriesOwner(existing, ctx.owner)) {
            if (ctx.reclaim.has(ctx.arn)) return { kind: "own", reason: "reclaimed" };
            return { kind: "refuse", why: sameUrnCause(ctx, t.creationId) };
        }
        return {
            kind: "refuse",
            why:
                `${ctx.what} already exists, managed by the Pulumi resource ${describeOwner(t.owner).readable} (its ${OWNER_TAG} tag). ${nothing} ` +
                pulumiOwnedAdvice(ctx.owner, t.owner),
        };
    }
    const controlTower = controlTowerGuard(existing, ctx.takeOwnershipFromControlTower);
    if (ctx.takeOwnership && !ctx.replacing && controlTower === undefined) return { kind: "own", reason: "takeOwnership" };
    if (ctx.adoptExisting) return { kind: "adopt" };
    if (ctx.takeOwnership && controlTower !== undefined) return { kind: "refuse", why: `${ctx.what} already exists and ${controlTower}` };
    if (ctx.takeOwnership && ctx.replacing) {
        return {
            kind: "refuse",
            why:
                `${ctx.what} already exists, created outside Pulumi. ${nothing} takeOwnership applies only to the first create of a resource (a migration), ` +
                `not to the new authorization of a replacement. Check who made it; set adoptExisting: true to manage its tags, or remove it first.`,
        };
    }
    return {
        kind: "refuse",
        why:
            `${ctx.what} already exists, created outside Pulumi (AWS Control Tower, another tool or a person). ${nothing} ` +
            `To manage its tags from this resource, set adoptExisting: true (destroy then leaves it in place); otherwise remove this resource from the program. ` +
            `If you are moving it from pulumi-aws or Terraform to this package, follow "Migrating from pulumi-aws or Terraform" in the README.`,
    };
}

/**
 * Why `takeOwnership` may not take an authorization with tags `tags` (one AWS Control Tower made, without
 * the acknowledgment `takeOwnershipFromControlTower`), or undefined when it may. Asked by a create and by
 * the update that turns an adopted authorization into an owned one.
 */
export function controlTowerGuard(tags: Tags, acknowledged: boolean): string | undefined {
    return tagValue(tags, CONTROL_TOWER_TAG) !== undefined && !acknowledged ? controlTowerCause() : undefined;
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
function sameUrnCause(ctx: ClaimContext, creationId: string | undefined): string {
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
              `If two resources of this program declare the same authorization (same aggregator account and region, same source region), remove one of them.`
            : `Two stacks cannot both manage it. To move it into this stack, move the resource's state with \`pulumi state move\` ` +
              `(its recorded creation moves with it) and its declaration with it; takeOwnership does not take an authorization that a Pulumi resource manages.`;
    return `${advice} adoptExisting does not apply to authorizations that a Pulumi resource manages.`;
}

/** Words for an authorization's current holder, from its owner tag, for messages. */
export function describeHolder(holder: string | undefined): string {
    return holder === undefined
        ? `it carries no ${OWNER_TAG} tag`
        : `its ${OWNER_TAG} tag names ${describeOwner(holder).readable}${parseTag(holder).creationId ? `, creation ${parseTag(holder).creationId}` : ""}`;
}
