/** The sentences of accounts: where an authorization lives, where the credentials act, and what to do when they differ. */
import type { RoleSetting } from "../aws/settings";
import { authorizationError, CHANGED_NOTHING, READ_NOTHING, type AuthorizationError, type Subject, type Verb } from "../aws/errors";

/** What a refused operation did not do: a read reads nothing either. */
export function nothingDone(verb: Verb): string {
    return verb === "reading" ? READ_NOTHING : CHANGED_NOTHING;
}

/** The credentials act in `actual`, but the authorization lives in `account`. */
export function wrongAccountError(
    verb: Verb,
    resource: Subject,
    credentials: string,
    actual: string,
    account: string,
    role?: RoleSetting,
): AuthorizationError {
    const fix = role
        ? `Give this resource's assumeRole a role in account ${account}.`
        : `Run with credentials for account ${account} (the aws:profile stack config or AWS_PROFILE).`;
    return authorizationError(
        verb,
        resource,
        `the credentials in use (${credentials}) belong to account ${actual}, but this authorization lives in account ${account}. ` +
            `${nothingDone(verb)}: an authorization for the same aggregator in account ${actual} is a different one. ${fix}`,
        "WrongAccount",
    );
}

/** The stack's aws:allowedAccountIds / aws:forbiddenAccountIds keep it out of `account` (`why`). */
export function accountNotAllowedError(verb: Verb, resource: Subject, credentials: string, why: string): AuthorizationError {
    return authorizationError(
        verb,
        resource,
        `${why}, and the credentials in use (${credentials}) act in it. ${nothingDone(verb)}. ` +
            `Use credentials (or an assumeRole) for an allowed account, or change the setting if this account is meant to be managed.`,
        "AccountNotAllowed",
    );
}

/** Why an authorization would land in `actual` when `sourceAccountId` declares `expected`. */
export function landsElsewhere(expected: string, actual: string, role: RoleSetting | undefined, credentials: string): string {
    const by = role ? `the role ${role.roleArn} acts` : `the credentials in use (${credentials}) act`;
    return (
        `sourceAccountId is ${expected}, but ${by} in account ${actual}: the authorization would land in account ${actual}, ` +
        `where an aggregator expecting account ${expected} would never find it. ` +
        (role
            ? `Give the source a role in account ${expected}.`
            : `Run with credentials for account ${expected}, or give the source an assumeRole in it.`)
    );
}

/** A Put answered with an ARN of another account than the one this create acts for; `outcome`: what became of that creation. */
export function landedElsewhereError(
    arn: string,
    credentials: string,
    expected: string,
    createdArn: string,
    landed: string,
    outcome: string,
): AuthorizationError {
    return authorizationError(
        "creating",
        arn,
        `the credentials in use (${credentials}) act in account ${landed}, not in account ${expected}: AWS answered the Put with ${createdArn}; ` +
            `${outcome}. The endpoint does not act in a role's own account (AWS does); use credentials that act in account ${expected}.`,
        "WrongAccount",
    );
}

/** What became of a creation that landed in another account: deleted again, not ours, or left. */
export const landedOutcome = {
    deleted: `Pulumi deleted it again and changed nothing`,
    notOurs: `it is not this creation (AWS ignores the tags of a Put on one that exists): ${CHANGED_NOTHING}`,
    left: (landed: string, why: string) => `Pulumi could not delete it again (${why}): delete it in account ${landed}`,
};

/** `get` of an authorization that does not exist; `where` names the account and region looked in. */
export function notFoundError(id: string, where: string): AuthorizationError {
    return authorizationError(
        "reading",
        id,
        `no such authorization in ${where}. Check the ID (an ARN, or authorizedAccountId:authorizedAwsRegion looked up in the region argument of get) and the credentials.`,
        "ResourceNotFoundException",
    );
}

/** A resource whose first create landed in `fixed` meets credentials acting in `actual`; `resource` names it. */
export function fixedElsewhere(resource: string, fixed: string, actual: string, roleArn: string | undefined, credentials: string): string {
    const by = roleArn ? `the role ${roleArn} acts` : `the credentials in use (${credentials}) act`;
    return (
        `${resource} holds the authorizations of account ${fixed} (its first create landed there), but ${by} in account ${actual}. ` +
        `${CHANGED_NOTHING}: a region added now would land in account ${actual}, where its aggregator would not look for account ${fixed}. ` +
        `Run with credentials for account ${fixed}` +
        (roleArn ? `, or give assumeRole a role in it` : `, or give it an assumeRole in it`) +
        `; to move the resource to account ${actual}, set sourceAccountId: "${actual}" (a replacement).`
    );
}
