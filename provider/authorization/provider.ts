/**
 * The dynamic provider of `AggregationAuthorization`: one authorization per resource. Its `check`
 * validates the inputs and learns what a preview can know (the ARN, the account, what the create
 * would meet); every other operation is the core's operation on one authorization
 * (`../core/authorization.ts`), which `SourceAccountAuthorizations` runs per region.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    accountInPreview,
    configure,
    createOne,
    deleteOne,
    describeAuthorization,
    diffOne,
    landsElsewhere,
    previewExisting,
    readOne,
    REPLACE_KEYS,
    tellingOnce,
    told,
    updateOne,
    validateMerged,
    validateRole,
} from "../core/authorization";
import { showingInputChanges } from "../core/input-changes";
import { currentLimits, currentSettings, isChangingRun, settingsRefusal } from "../core/aws/client";
import { buildArn, parseArn } from "../core/model/id";
import { isUnknown, type Inputs, type Outputs } from "../core/model/types";
import { accountIdOf, validate } from "../core/model/validate";
import { tagPolicy } from "../core/tag-policy";

/**
 * The checked inputs, with the `arn` and `accountId` that the authorization has (or will have) when
 * they can be known. A dynamic provider does not take part in previews: the engine previews an
 * update's outputs as its checked inputs, so anything missing from them (the ARN, the source account)
 * would be unknown to every resource that depends on it, and a tag change would preview dependents as
 * replaced. The ARN is kept from the previous inputs while the keys it is made of stay the same; a new
 * or replaced authorization gets it from the source account that `accountInPreview` learns (a role's, or
 * the credentials', whose lookup failure fails the preview with the up's message unless
 * aws:skipCredentialsValidation). A no-change preview makes no AWS call.
 */
async function withIdentity(olds: Partial<Outputs>, news: Inputs): Promise<Inputs> {
    if (REPLACE_KEYS.some((k) => isUnknown(news[k]))) return news;
    // The recorded ARN's account stays while the keys it is made of do, and no role decides it.
    const parts = typeof olds.arn === "string" && !isUnknown(olds.arn) && olds.assumeRole === undefined ? parseArn(olds.arn) : undefined;
    const recorded = parts && REPLACE_KEYS.every((k) => parts[k] === news[k]) ? parts.accountId : undefined;
    const accountId = await accountInPreview(news.assumeRole, recorded, describeAuthorization(news), news.region);
    return accountId === undefined ? news : ({ ...news, arn: buildArn({ ...news, accountId }), accountId } as Inputs);
}

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = showingInputChanges({
    configure,

    async check(olds: Inputs, given: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        // An authorizedAccountId given as a 12-digit number (from a JavaScript program or JSON config)
        // is checked and recorded as its 12-digit string, so state, diffs and AWS calls see one form.
        const account = accountIdOf(given.authorizedAccountId);
        const source = given.sourceAccountId === undefined ? undefined : accountIdOf(given.sourceAccountId);
        const news: Inputs = {
            ...given,
            ...(account === undefined ? {} : { authorizedAccountId: account }),
            ...(source === undefined ? {} : { sourceAccountId: source }),
        };
        // Failures go to the engine without a property: for a named property Pulumi prints that
        // property's whole value next to the reason (pkg/resource/deploy/step_generator.go,
        // issueCheckFailures: "property %v value %v has a problem"), which for `tags` is the whole
        // map, secret values in plain text, and for any input a value of any length. Each reason
        // names its input instead.
        const refusal = settingsRefusal();
        if (refusal) return { inputs: news, failures: [{ property: "", reason: refusal.message }] };
        const problems = currentLimits().problems.map((reason) => ({ property: "", reason }));
        const invalid = validate(news as unknown as Record<string, unknown>, {
            skipRegionValidation: currentSettings().skipRegionValidation,
        }).map((f) => ({ property: "", reason: f.reason }));
        const roles = [...validateRole(news), ...validateMerged(news)].map((reason) => ({ property: "", reason }));
        const failures = [...problems, ...invalid, ...roles];
        if (failures.length) return { inputs: news, failures };
        const fail = (reason: string) => ({ inputs: news, failures: [{ property: "", reason: told.tell(reason) }] });
        let checked: Inputs & Partial<Pick<Outputs, "arn" | "accountId" | "tagsAll">>;
        try {
            checked = { ...(await withIdentity(olds as Partial<Outputs>, news)) };
        } catch (err) {
            return fail((err as Error).message); // unusable credentials: the message the up would give
        }
        // The account it would land in, where known now (a role's, the credentials', or the existing ARN's).
        const lands = checked.accountId;
        const expected = news.sourceAccountId;
        if (expected !== undefined && !isUnknown(expected) && lands !== undefined && !isUnknown(lands) && lands !== expected) {
            const roleArn = news.assumeRole?.roleArn;
            return fail(landsElsewhere(expected, lands, roleArn ? { roleArn } : undefined));
        }
        // The tags AWS will hold, so that a preview shows them (default tags included) and names the keys a
        // change of aws:defaultTags or aws:ignoreTags changes. Left out when a value may be a secret.
        const showTags = news.tagsMayBeSecret !== true && !isUnknown(news.tags);
        if (showTags) checked.tagsAll = tagPolicy(currentSettings()).desired(news.tags);
        // A new authorization: does one exist already? The create would meet it; the preview says so now. Once the
        // run has asked for a change it is no preview: the create reads for itself, off the engine's serial path.
        const arn = (olds as Partial<Outputs>).arn === undefined && !isUnknown(checked.arn) ? checked.arn : undefined;
        if (typeof arn === "string" && !isChangingRun()) {
            try {
                const found = await previewExisting(checked, arn);
                if (found.refusal) return fail(found.refusal);
                if (found.tagsAll && showTags) checked.tagsAll = found.tagsAll;
            } catch (err) {
                if (!currentSettings().skipCredentialsValidation) return fail((err as Error).message);
            }
        }
        return { inputs: checked };
    },

    diff: diffOne,
    create: (inputs) => tellingOnce(createOne(inputs)),
    read: (id, props) => tellingOnce(readOne(id, props)),
    update: (id, olds, news) => tellingOnce(updateOne(id, olds, news)),
    delete: (id, props) => tellingOnce(deleteOne(id, props)),
});
