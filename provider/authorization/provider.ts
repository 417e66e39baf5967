/** The dynamic provider of `AggregationAuthorization`: `check` here, the rest the core's operations on one authorization. */
import type * as pulumi from "@pulumi/pulumi";
import {
    accountInPreview,
    createOne,
    deleteOne,
    describeAuthorization,
    diffOne,
    previewExisting,
    readOne,
    REPLACE_KEYS,
    updateOne,
    validateMerged,
    validateRole,
} from "../core/authorization";
import { showingInputChanges } from "../core/input-changes";
import { landsElsewhere } from "../core/messages/accounts";
import type { ProviderProcess, Run } from "../core/run";
import { buildArn, parseArn } from "../core/model/id";
import { isUnknown, type Inputs, type Outputs } from "../core/model/types";
import { accountIdOf, validate } from "../core/model/validate";

/**
 * The inputs with the `arn` and `accountId` when they can be known: the engine previews a dynamic
 * resource's outputs as its checked inputs, so dependents would otherwise see them unknown.
 */
async function withIdentity(run: Run, olds: Partial<Outputs>, news: Inputs): Promise<Inputs> {
    if (REPLACE_KEYS.some((k) => isUnknown(news[k]))) return news;
    // The recorded ARN's account holds while its keys do and no role decides it: no AWS call.
    const parts = typeof olds.arn === "string" && !isUnknown(olds.arn) && olds.assumeRole === undefined ? parseArn(olds.arn) : undefined;
    const recorded = parts && REPLACE_KEYS.every((k) => parts[k] === news[k]) ? parts.accountId : undefined;
    const accountId = await accountInPreview(run, news.assumeRole, recorded, describeAuthorization(news), news.region);
    return accountId === undefined ? news : ({ ...news, arn: buildArn({ ...news, accountId }), accountId } as Inputs);
}

/** The provider of `AggregationAuthorization` in `host`, the provider process whose run every operation is given. */
export const authorizationProvider = (host: ProviderProcess): pulumi.dynamic.ResourceProvider<Inputs, Outputs> =>
    showingInputChanges({
        configure: (req) => host.configure(req),

        async check(olds: Inputs, given: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
            // One form for state, diffs and AWS calls: an account ID given as a number becomes its string.
            const account = accountIdOf(given.authorizedAccountId);
            const source = given.sourceAccountId === undefined ? undefined : accountIdOf(given.sourceAccountId);
            const news: Inputs = {
                ...given,
                ...(account === undefined ? {} : { authorizedAccountId: account }),
                ...(source === undefined ? {} : { sourceAccountId: source }),
            };
            // No property: Pulumi would print its whole value, secret tags included (pkg/resource/deploy/
            // step_generator.go, issueCheckFailures). Each reason names its input instead.
            const refusal = host.refusal();
            if (refusal) return { inputs: news, failures: [{ property: "", reason: refusal.message }] };
            const run = host.current();
            const problems = run.aws.limits.problems.map((reason) => ({ property: "", reason }));
            const invalid = validate(news as unknown as Record<string, unknown>, {
                skipRegionValidation: run.settings.skipRegionValidation,
            }).map((f) => ({ property: "", reason: f.reason }));
            const roles = [...validateRole(news), ...validateMerged(run, news)].map((reason) => ({ property: "", reason }));
            const failures = [...problems, ...invalid, ...roles];
            if (failures.length) return { inputs: news, failures };
            const fail = (reason: string) => ({ inputs: news, failures: [{ property: "", reason: run.told.tell(reason) }] });
            let checked: Inputs & Partial<Pick<Outputs, "arn" | "accountId" | "tagsAll">>;
            try {
                checked = { ...(await withIdentity(run, olds as Partial<Outputs>, news)) };
            } catch (err) {
                return fail((err as Error).message); // the message the up would give
            }
            const lands = checked.accountId;
            const expected = news.sourceAccountId;
            if (expected !== undefined && !isUnknown(expected) && lands !== undefined && !isUnknown(lands) && lands !== expected) {
                const roleArn = news.assumeRole?.roleArn;
                return fail(landsElsewhere(expected, lands, roleArn ? { roleArn } : undefined, run.aws.credentialsInUse()));
            }
            // So that a preview shows the keys a change of aws:defaultTags or aws:ignoreTags changes.
            const showTags = news.tagsMayBeSecret !== true && !isUnknown(news.tags);
            if (showTags) checked.tagsAll = run.tags.desired(news.tags);
            // A preview says now what the create would meet; in an up, the create reads for itself, off
            // the engine's serial path.
            const arn = (olds as Partial<Outputs>).arn === undefined && !isUnknown(checked.arn) ? checked.arn : undefined;
            if (typeof arn === "string" && !run.isChanging) {
                try {
                    const found = await previewExisting(run, checked, arn);
                    if (found.refusal) return fail(found.refusal);
                    if (found.tagsAll && showTags) checked.tagsAll = found.tagsAll;
                } catch (err) {
                    if (!run.settings.skipCredentialsValidation) return fail((err as Error).message);
                }
            }
            return { inputs: checked };
        },

        diff: async (id, olds, news) => diffOne(host.current(), id, olds, news),
        create: async (inputs) => telling(host.current(), (run) => createOne(run, inputs)),
        read: async (id, props) => telling(host.current(), (run) => readOne(run, id, props)),
        update: async (id, olds, news) => telling(host.current(), (run) => updateOne(run, id, olds, news)),
        delete: async (id, props) => telling(host.current(), (run) => deleteOne(run, id, props)),
    });

/** `op` of `run`, its failure told once per cause in the run. */
function telling<T>(run: Run, op: (run: Run) => Promise<T>): Promise<T> {
    return run.tellingOnce(op(run));
}
