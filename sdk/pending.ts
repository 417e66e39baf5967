import * as pulumi from "@pulumi/pulumi";
import { describePendingRequests } from "./reads/status";
import type { RoleSetting } from "../provider/shared";
import type { AssumeRoleArgs } from "./authorization";

/** A pending aggregation request from an aggregator other than the declared one. */
export interface UnexpectedPendingRequest {
    sourceAccountId: string;
    sourceRegion: string;
    aggregatorAccountId: string;
    aggregatorRegion: string;
}

/** One source account of the component. */
export interface PendingSource {
    accountId: string;
    regions: pulumi.Input<readonly string[]>;
    assumeRole?: AssumeRoleArgs;
}

/**
 * The requests from aggregators other than `aggregator` in every source account and region, sorted,
 * each warned about on `parent`. It only reads.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_DescribePendingAggregationRequests.html
 */
export function unexpectedPendingRequests(
    parent: pulumi.Resource,
    sources: readonly PendingSource[],
    aggregator: { accountId: string; region: string },
): pulumi.Output<UnexpectedPendingRequest[]> {
    const perSource = sources.map((s) =>
        pulumi.all([s.assumeRole, s.regions]).apply(async ([role, regions]) => {
            const setting: RoleSetting | undefined = role
                ? { roleArn: role.roleArn, externalId: role.externalId, sessionName: role.sessionName }
                : undefined;
            const found: UnexpectedPendingRequest[] = [];
            for (const region of regions) {
                for (const p of await describePendingRequests(region, setting, `account ${s.accountId}`)) {
                    if (p.accountId === aggregator.accountId && p.region === aggregator.region) continue;
                    found.push({
                        sourceAccountId: s.accountId,
                        sourceRegion: region,
                        aggregatorAccountId: p.accountId,
                        aggregatorRegion: p.region,
                    });
                }
            }
            return found;
        }),
    );
    // A role's external ID makes the answer secret; it holds none.
    return pulumi.unsecret(pulumi.all(perSource)).apply((lists) => {
        const all = lists
            .flat()
            .sort(
                (a, b) =>
                    a.sourceAccountId.localeCompare(b.sourceAccountId) ||
                    a.sourceRegion.localeCompare(b.sourceRegion) ||
                    a.aggregatorAccountId.localeCompare(b.aggregatorAccountId) ||
                    a.aggregatorRegion.localeCompare(b.aggregatorRegion),
            );
        for (const r of all) {
            pulumi.log.warn(
                `aggregator account ${r.aggregatorAccountId} (region ${r.aggregatorRegion}) asked account ${r.sourceAccountId} for its ` +
                    `AWS Config data in ${r.sourceRegion}; it is not the declared aggregator (${aggregator.accountId}, ${aggregator.region}), ` +
                    `so nothing was authorized for it. If you expect it, declare it; if not, find out who created it.`,
                parent,
            );
        }
        return all;
    });
}
