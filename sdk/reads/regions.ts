/**
 * The regions an account has enabled, so that an opt-in region it has not is skipped instead of failing the `up`.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 */
import { AccountClient, paginateListRegions } from "@aws-sdk/client-account";
import { authorizationError, deadlineError, translate, type RoleSetting, type Target } from "../../provider/shared";
import { programAws } from "../program-aws";

/** AWS's largest `MaxResults` of ListRegions. */
const PAGE = 50;

/** The endpoint as the SDK resolves it, for messages. */
export function accountEndpoint(region: string): string {
    return (
        process.env.AWS_ENDPOINT_URL_ACCOUNT ??
        process.env.AWS_ENDPOINT_URL ??
        (region.startsWith("cn-") ? "https://account.cn-northwest-1.amazonaws.com.cn" : "https://account.us-east-1.amazonaws.com")
    );
}

/** Sorted. The credentials must act in `accountId`; `region` gives the partition. */
export async function enabledRegions(accountId: string, region: string, role?: RoleSetting): Promise<string[]> {
    const resource = { reads: `the regions of account ${accountId}`, grantee: "the credentials Pulumi uses in that account" };
    return programAws().withDeadline("reading", resource, async (deadline) => {
        const target: Target = { verb: "reading", resource, region, deadline, role };
        const { limits: _limits, account, ...settings } = await programAws().clientSettings(target);
        if (account !== accountId) {
            throw authorizationError(
                "reading",
                resource,
                `the credentials in use act in account ${account}, not ${accountId}: give the source the role in its account (assumeRole). Nothing was read.`,
                "WrongAccount",
            );
        }
        const client = new AccountClient(settings);
        const out: string[] = [];
        try {
            for await (const page of paginateListRegions(
                { client, pageSize: PAGE },
                { RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"] },
                { abortSignal: deadline.signal },
            )) {
                for (const r of page.Regions ?? []) if (r.RegionName) out.push(r.RegionName);
            }
        } catch (err) {
            const ctx = { verb: "reading" as const, resource, action: "account:ListRegions", region, endpoint: accountEndpoint(region) };
            if (deadline.signal.aborted) throw deadlineError(ctx, 1, deadline.timeoutMs);
            throw (await programAws().assumeRoleFailure(err, target)) ?? translate(err, ctx);
        } finally {
            client.destroy();
        }
        return out.sort();
    });
}
