/** The sentences of ownership: why a create, update or delete refuses or leaves an authorization, and what to do. */
import { authorizationError, CHANGED_NOTHING, type AuthorizationError, type Verb } from "../aws/errors";
import type { Tags } from "../model/types";
import { describeOwner, OWNER_TAG, ownerTagOf, ownerTagValue, sameStack } from "../owner";
import { CONTROL_TOWER_TAG, parseTag, RECLAIM_ENV, type Why } from "../ownership";

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
    const nothing = `${CHANGED_NOTHING}.`;
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
        `takeOwnership does not take it. ${CHANGED_NOTHING}. To manage only your declared tags on it (destroy leaves it), use adoptExisting: true; ` +
        `to take it from Control Tower anyway (destroy then deletes it), also set takeOwnershipFromControlTower: true.`
    );
}

/** This resource's owner tag, but a creation its state does not know. */
function sameUrnCause(ctx: Subject, creationId: string | undefined): string {
    const which = creationId ? `creation ${creationId}` : `an earlier version's tag`;
    return (
        `${ctx.what} already exists and carries this resource's owner tag (${describeOwner(ctx.owner).readable}, ${which}), ` +
        `but this stack's state records no such creation. ${CHANGED_NOTHING}. Either an interrupted \`pulumi up\` of this stack created it ` +
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

/** The error for a create that refuses what AWS holds (`why`, from `decide`). */
export function createRefusalError(what: string, arn: string, owner: string, why: Why, held: Tags): AuthorizationError {
    return authorizationError("creating", arn, createRefusal(why, { what, arn, owner, held }), "AlreadyExists");
}

/** The error for a Put that lost a race: AWS kept another creator's authorization (and ignored our tags). */
export function raceError(owner: string | undefined, arn: string, winner: string | undefined): AuthorizationError {
    const who = winner
        ? `the Pulumi resource ${describeOwner(winner).readable} created it at the same moment`
        : `someone outside Pulumi (AWS Control Tower, another tool or a person) created it at the same moment`;
    return authorizationError(
        "creating",
        arn,
        `${who}, and AWS kept theirs (it ignores the tags of a Put on an authorization that exists). ` +
            `This resource does not manage it and recorded nothing. ` +
            (winner
                ? pulumiOwnedAdvice(owner, winner)
                : `Set adoptExisting: true to manage its tags from this resource, or remove this resource.`),
        "AlreadyExists",
    );
}

/** What a resource's state records of the creation it owns, for {@link notOursError}. */
export interface Recorded {
    owner?: string;
    creationId?: string;
    creationTime?: string;
}

/**
 * The error for an update or delete that found, at this resource's ARN, an authorization that is not
 * provably its creation (`why`, from `decide`); an unproven one is told which owner tag value to put back.
 */
export function notOursError(verb: Verb, arn: string, why: Why, held: Tags | undefined, recorded: Recorded): AuthorizationError {
    const holder = describeHolder(held === undefined ? undefined : ownerTagOf(held));
    if (why === "replaced" || why === "another-creation") {
        const evidence =
            why === "replaced"
                ? `${holder}, and its creation time is not the recorded ${recorded.creationTime}): the one this resource created was deleted, and another made in its place`
                : `${holder}, which is not the creation this resource recorded): another resource or stack manages it now`;
        return authorizationError(
            verb,
            arn,
            `this resource no longer owns the authorization: AWS holds another creation of it (${evidence}. ${CHANGED_NOTHING}. ` +
                `Run \`pulumi refresh\` to drop it from this stack's state; the next \`pulumi up\` then says how to manage it.`,
            "NotOwned",
        );
    }
    const tag = recorded.owner === undefined ? undefined : ownerTagValue(recorded.owner, recorded.creationId);
    return authorizationError(
        verb,
        arn,
        `cannot prove that this resource owns the authorization: ${holder}, and the state records no creation time to compare with AWS's. ` +
            `${CHANGED_NOTHING}. If it is this resource's (its owner tag was removed or edited), put the tag back` +
            (tag ? ` (${OWNER_TAG}=${tag})` : "") +
            ` and run the command again; if it is not, drop it from this stack's state with \`pulumi state delete <urn>\` (\`pulumi stack --show-urns\` lists the URNs).`,
        "NotOwned",
    );
}
