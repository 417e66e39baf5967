/** Source accounts from AWS Organizations, read while the program runs, with the client machinery of every other call. */
import {
    OrganizationsClient,
    paginateListAccounts,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
    type Account,
    type OrganizationsPaginationConfiguration,
} from "@aws-sdk/client-organizations";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCESS_DENIED,
    accountIdOf,
    accountIdProblem,
    countAttempts,
    deadlineError,
    describe,
    isAuthorizationError,
    partitionOf,
    roleAccount,
    roleProblem,
    scrubAwsMessage,
    stackSettings,
    translate,
    validateRegions,
    type CallContext,
    type Failure,
    type RoleSetting,
    type Target,
    type ValidateOptions,
} from "../provider/shared";
import type { AggregationSourceArgs } from "./authorizations";
import { defaultRegion, programAws } from "./program-aws";
import { runError, type StatusRoleArgs } from "./status";

/** The role each source account is reached through, the same in every account. */
export interface OrganizationSourceRoleArgs {
    /** The role's name, with its path if any (`path/name`). Give this or `roleArn`. */
    readonly roleName?: string;
    /**
     * The role's ARN with `{accountId}` where the account goes, e.g.
     * `arn:aws:iam::{accountId}:role/config-authorizer`. Give this or `roleName`.
     */
    readonly roleArn?: string;
    /**
     * The external ID the roles' trust policies require; always stored as a secret.
     * @default - none
     */
    readonly externalId?: pulumi.Input<string>;
    /**
     * The role session name, as CloudTrail shows it.
     * @default "pulumi-aws-config-aggregation"
     */
    readonly sessionName?: pulumi.Input<string>;
}

/** The role the Organizations calls are made through. */
export type OrganizationsRoleArgs = StatusRoleArgs;

/** The arguments of {@link organizationSources}. */
export interface OrganizationSourcesArgs {
    /**
     * Roots (`r-…`) and organizational units (`ou-…`) whose accounts to take, nested units included.
     * @default - every account of the organization (`organizations:ListAccounts`)
     */
    readonly organizationalUnitIds?: string[];
    /**
     * Accounts to leave out (the management account, say); one not found is named in a warning.
     * @default - none
     */
    readonly excludeAccountIds?: (string | number)[];
    /** The role to assume in each source account. */
    readonly sourceRole: OrganizationSourceRoleArgs;
    /** Every account's source regions, or `"enabled"`: see `AggregationSourceArgs.regions`. */
    readonly regions: string[] | "enabled";
    /**
     * See `AggregationSourceArgs.onlyEnabledRegions`.
     * @default false
     */
    readonly onlyEnabledRegions?: boolean;
    /**
     * Tags of every account's authorizations, over the component's `tags`.
     * @default - the component's tags
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * A role in the management account or a delegated administrator account, the only ones that may list accounts.
     * @default - the stack's credentials
     */
    readonly organizationsRole?: OrganizationsRoleArgs;
}

/** A root or organizational unit ID (API reference, ListAccountsForParent `ParentId`). */
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
/** An IAM role name after an optional path. */
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const ACCOUNT = "{accountId}";
/** The largest `MaxResults` of the three List operations (API reference). */
const PAGE = 20;
const WIDTH = 4;

const ARGUMENTS = [
    "organizationalUnitIds",
    "excludeAccountIds",
    "sourceRole",
    "regions",
    "onlyEnabledRegions",
    "tags",
    "organizationsRole",
] as const;
const ROLE_FIELDS = ["roleName", "roleArn", "externalId", "sessionName"];

/** One failure per bad argument. Makes no call. */
export function organizationSourcesProblems(args: OrganizationSourcesArgs, options: ValidateOptions = {}): Failure[] {
    if (args === null || typeof args !== "object" || Array.isArray(args))
        return [{ property: "args", reason: `the arguments must be an object, got ${describe(args)}` }];
    const out: Failure[] = [];
    const add = (property: string, reason: string | undefined) => void (reason !== undefined && out.push({ property, reason }));
    for (const key of Object.keys(args))
        if (!(ARGUMENTS as readonly string[]).includes(key)) add(key, `unknown argument "${key}"; allowed: ${ARGUMENTS.join(", ")}`);

    const ous = args.organizationalUnitIds;
    if (ous !== undefined) {
        if (!Array.isArray(ous) || ous.length === 0) {
            add(
                "organizationalUnitIds",
                `organizationalUnitIds must list at least one root or organizational unit ID (or be left out for the whole organization), got ${Array.isArray(ous) ? "an empty list" : describe(ous)}`,
            );
        } else {
            ous.forEach((id, i) => {
                const where = `organizationalUnitIds[${i}]`;
                if (typeof id !== "string" || !PARENT_ID.test(id))
                    add(
                        where,
                        `${where} must be a root ID such as r-ab12 or an organizational unit ID such as ou-ab12-cd34ef56, got ${describe(id)}`,
                    );
                else if (ous.indexOf(id) !== i) add(where, `${where} ${id} is listed twice`);
            });
        }
    }

    const excluded = args.excludeAccountIds;
    if (excluded !== undefined) {
        if (!Array.isArray(excluded))
            add("excludeAccountIds", `excludeAccountIds must be a list of 12-digit account IDs, got ${describe(excluded)}`);
        else excluded.forEach((id, i) => add(`excludeAccountIds[${i}]`, accountIdProblem(`excludeAccountIds[${i}]`, id)));
    }

    add("sourceRole", sourceRoleProblem(args.sourceRole));

    if (args.regions !== "enabled") {
        if (!Array.isArray(args.regions)) add("regions", `regions must be a list of regions or "enabled", got ${describe(args.regions)}`);
        else for (const f of validateRegions("regions", args.regions, options)) add(f.property, f.reason);
    }
    if (args.onlyEnabledRegions !== undefined && typeof args.onlyEnabledRegions !== "boolean")
        add("onlyEnabledRegions", `onlyEnabledRegions must be true or false, got ${describe(args.onlyEnabledRegions)}`);
    if (args.organizationsRole !== undefined) add("organizationsRole", roleProblem("organizationsRole", args.organizationsRole));
    return out;
}

/** Never echoes an external ID. */
function sourceRoleProblem(role: OrganizationSourceRoleArgs | undefined): string | undefined {
    const example = `{ roleName: "config-authorizer" } or { roleArn: "arn:aws:iam::${ACCOUNT}:role/config-authorizer" }`;
    if (role === null || typeof role !== "object" || Array.isArray(role))
        return `sourceRole must be an object such as ${example}, got ${describe(role)}`;
    const unknownField = Object.keys(role).find((k) => !ROLE_FIELDS.includes(k));
    if (unknownField !== undefined) return `sourceRole has the unknown field "${unknownField}"; allowed: ${ROLE_FIELDS.join(", ")}`;
    if ((role.roleName === undefined) === (role.roleArn === undefined))
        return `sourceRole must have one of roleName and roleArn, such as ${example}, got ${role.roleName === undefined ? "neither" : "both"}`;
    const sample = "123456789012";
    let roleArn: string;
    if (role.roleName !== undefined) {
        if (typeof role.roleName !== "string" || !ROLE_NAME.test(role.roleName))
            return `sourceRole.roleName must be an IAM role name such as config-authorizer (with its path, if any, as path/name), got ${describe(role.roleName)}`;
        roleArn = `arn:aws:iam::${sample}:role/${role.roleName}`;
    } else {
        const pattern = role.roleArn;
        const at = (account: string) => (typeof pattern === "string" ? roleAccount(pattern.replace(ACCOUNT, account)) : undefined);
        // The placeholder must be the ARN's account, once, so different accounts give different ARNs.
        if (
            typeof pattern !== "string" ||
            pattern.split(ACCOUNT).length !== 2 ||
            at(sample) !== sample ||
            at("210987654321") !== "210987654321"
        )
            return `sourceRole.roleArn must be an IAM role ARN with ${ACCOUNT} as its account, such as arn:aws:iam::${ACCOUNT}:role/config-authorizer, got ${describe(pattern)}`;
        roleArn = pattern.replace(ACCOUNT, sample);
    }
    // An Output is checked by each child instead.
    const plain = (v: unknown) => (typeof v === "string" || v === undefined ? v : undefined);
    return roleProblem("sourceRole", { roleArn, externalId: plain(role.externalId), sessionName: plain(role.sessionName) });
}

/**
 * The active accounts of the organization, or of `organizationalUnitIds`, as `AggregationAuthorizations`
 * sources, sorted so previews never reorder them. Read on every run, so an account that joins or
 * leaves shows in the next preview. Await it:
 * `sources: await organizationSources({ sourceRole: { roleName: "config-authorizer" }, regions: ["us-east-1"] })`.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
 */
export async function organizationSources(args: OrganizationSourcesArgs): Promise<AggregationSourceArgs[]> {
    const options = stackSettings({ get: (key) => pulumi.runtime.getConfig(key) });
    const problems = organizationSourcesProblems(args, options);
    if (problems.length) throw runError(`organizationSources: ${problems.map((p) => p.reason).join("; ")}`);
    try {
        programAws();
    } catch (err) {
        throw runError(`organizationSources: ${(err as Error).message}`);
    }
    const listed = Array.isArray(args.regions) ? args.regions : [];
    // The SDK finds Organizations' one endpoint from any region of the partition.
    const region = defaultRegion() || listed[0] || "us-east-1";
    const role: RoleSetting | undefined = args.organizationsRole ? { ...args.organizationsRole } : undefined;
    const scope = args.organizationalUnitIds ? [...args.organizationalUnitIds] : undefined;

    const accounts = await readAccounts(scope, region, role);
    const active = accounts.filter(isActive);
    const excluded = new Set((args.excludeAccountIds ?? []).map((id) => accountIdOf(id)!));
    const ids = [...new Set(active.map((a) => a.Id!))].filter((id) => !excluded.has(id)).sort();
    const where = scope ? `in ${scope.join(", ")} (with the units nested in them)` : "in the organization";
    const absent = [...excluded].filter((id) => !active.some((a) => a.Id === id));
    if (absent.length)
        void pulumi.log.warn(
            `organizationSources: excludeAccountIds ${absent.join(", ")} ${absent.length === 1 ? "is not an active account" : "are not active accounts"} ${where}; nothing to exclude`,
        );
    if (ids.length === 0) {
        throw runError(
            `organizationSources: no active account ${where} is left to authorize (${accounts.length} listed, ${accounts.length - active.length} not ACTIVE, ` +
                `${active.length - ids.length} excluded). Check organizationalUnitIds and excludeAccountIds.`,
        );
    }
    const partition = partitionOf(region);
    const { roleName, roleArn, externalId, sessionName } = args.sourceRole;
    return ids.map((accountId) => ({
        accountId,
        regions: Array.isArray(args.regions) ? [...args.regions] : "enabled",
        ...(args.onlyEnabledRegions !== undefined ? { onlyEnabledRegions: args.onlyEnabledRegions } : {}),
        assumeRole: {
            roleArn: roleArn !== undefined ? roleArn.replace(ACCOUNT, accountId) : `arn:${partition}:iam::${accountId}:role/${roleName}`,
            ...(externalId !== undefined ? { externalId } : {}),
            ...(sessionName !== undefined ? { sessionName } : {}),
        },
        ...(args.tags !== undefined ? { tags: args.tags } : {}),
    }));
}

/**
 * `Status` only when `State` is absent: AWS retires `Status` on September 9, 2026.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 */
export function isActive(account: Pick<Account, "State" | "Status">): boolean {
    return (account.State ?? account.Status) === "ACTIVE";
}

/** One listing, for messages. */
interface Listing {
    action: string;
    what: string;
    /** The `organizationalUnitIds` entry, and the nested unit, it comes from. */
    origin?: { index: number; id: string; nested?: string };
}

/** The accounts of `scope`, or of the whole organization, each once. */
async function readAccounts(scope: string[] | undefined, region: string, role: RoleSetting | undefined): Promise<Account[]> {
    const resource = scope ? "the accounts of the organizational units" : "the accounts of the organization";
    const fail = (err: unknown, listing?: Listing, account?: string) =>
        runError(failureMessage(err, resource, listing, region, role, account, scope !== undefined));
    const target: Target = { verb: "reading", resource: { reads: resource }, region, role };
    let account: string;
    let client: OrganizationsClient;
    try {
        const { limits: _limits, account: acting, ...settings } = await programAws().clientSettings(target);
        account = acting;
        client = new OrganizationsClient(settings);
    } catch (err) {
        throw fail(err);
    }
    const byId = new Map<string, Account>();
    /** Every page of one listing, under its own deadline. */
    const list = async <T>(listing: Listing, pages: (config: Paging, signal: AbortSignal) => AsyncIterable<T>, each: (page: T) => void) => {
        let attempts: ReturnType<typeof countAttempts> = { count: 0 };
        const config: Paging = { client, pageSize: PAGE, withCommand: (command) => void (attempts = countAttempts(command)) };
        try {
            await programAws().withDeadline("reading", { reads: listing.what }, async (deadline) => {
                try {
                    for await (const page of pages(config, deadline.signal)) each(page);
                } catch (err) {
                    if (!deadline.signal.aborted) throw err;
                    const ctx = context(listing, region);
                    throw deadlineError({ ...ctx, endpoint: attempts.endpoint ?? ctx.endpoint }, attempts.count, deadline.timeoutMs);
                }
            });
        } catch (err) {
            const role = await programAws().assumeRoleFailure(err, target);
            if (role)
                throw runError(`organizationSources: reading ${listing.what}: ${(role as { detail?: string }).detail ?? role.message}`);
            throw fail(err, listing, account);
        }
    };
    const keep = (accounts: Account[] | undefined) => accounts?.forEach((a) => a.Id && byId.set(a.Id, a));
    try {
        if (!scope) {
            const listing = { action: "organizations:ListAccounts", what: "the accounts of the organization" };
            await list(
                listing,
                (config, abortSignal) => paginateListAccounts(config, {}, { abortSignal }),
                (p) => keep(p.Accounts),
            );
            return [...byId.values()];
        }
        const seen = new Set<string>();
        const queue = scope.map((id, index) => ({ id, origin: { index, id } }));
        await drain(queue, WIDTH, async ({ id, origin }) => {
            if (seen.has(id)) return;
            seen.add(id);
            const at = { ...origin, ...(id !== origin.id ? { nested: id } : {}) };
            // Both end before a failure is passed on: nothing is left running unobserved.
            const settled = await Promise.allSettled([
                list(
                    { action: "organizations:ListAccountsForParent", what: `the accounts of ${id}`, origin: at },
                    (config, abortSignal) => paginateListAccountsForParent(config, { ParentId: id }, { abortSignal }),
                    (p) => keep(p.Accounts),
                ),
                list(
                    { action: "organizations:ListOrganizationalUnitsForParent", what: `the organizational units in ${id}`, origin: at },
                    (config, abortSignal) => paginateListOrganizationalUnitsForParent(config, { ParentId: id }, { abortSignal }),
                    (p) => p.OrganizationalUnits?.forEach((ou) => ou.Id && queue.push({ id: ou.Id, origin })),
                ),
            ]);
            for (const r of settled) if (r.status === "rejected") throw r.reason;
        });
        return [...byId.values()];
    } finally {
        client.destroy();
    }
}

type Paging = OrganizationsPaginationConfiguration;

/** `work` on every item, `width` at a time; `work` may add items. The first failure is thrown once none is in flight. */
async function drain<T>(queue: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
    const running = new Set<Promise<void>>();
    let failed: { error: unknown } | undefined;
    while (running.size || (queue.length && !failed)) {
        while (queue.length && running.size < width && !failed) {
            const p: Promise<void> = work(queue.shift()!)
                .catch((error) => void (failed ??= { error }))
                .finally(() => running.delete(p));
            running.add(p);
        }
        await Promise.race(running);
    }
    if (failed) throw failed.error;
}

/** The endpoint as the SDK resolves it, for messages. */
function organizationsEndpoint(region: string): string {
    const partition = partitionOf(region);
    return (
        process.env.AWS_ENDPOINT_URL_ORGANIZATIONS ??
        process.env.AWS_ENDPOINT_URL ??
        (partition === "aws-cn"
            ? "https://organizations.cn-northwest-1.amazonaws.com.cn"
            : partition === "aws-us-gov"
              ? "https://organizations.us-gov-west-1.amazonaws.com"
              : "https://organizations.us-east-1.amazonaws.com")
    );
}

function context(listing: Listing, region: string): CallContext {
    return { verb: "reading", resource: { reads: listing.what }, action: listing.action, region, endpoint: organizationsEndpoint(region) };
}

/** Organizations' own answers get their own advice; anything else is said as for every other call. */
function failureMessage(
    err: unknown,
    resource: string,
    listing: Listing | undefined,
    region: string,
    role: RoleSetting | undefined,
    account: string | undefined,
    units: boolean,
): string {
    const what = listing?.what ?? resource;
    const head = `organizationSources: reading ${what}`;
    const credentials = `${programAws().credentialsInUse(role)}${account ? `, acting in account ${account}` : ""}`;
    const e = (err ?? {}) as { name?: string; message?: string };
    const name = e.name ?? "Error";
    const awsSays = e.message ? `: ${scrubAwsMessage(e.message)}` : "";
    if (listing && !isAuthorizationError(err)) {
        if (ACCESS_DENIED.has(name)) {
            const actions = units
                ? "organizations:ListAccountsForParent and organizations:ListOrganizationalUnitsForParent"
                : "organizations:ListAccounts";
            return (
                `${head}: access denied to ${listing.action} for ${credentials} (${name}${awsSays}). Only the organization's management account ` +
                `and its delegated administrator accounts may list its accounts: allow ${actions} to credentials in one of them, and run the ` +
                `program with those or give organizationsRole a role there (docs/many-accounts.md, "Accounts from AWS Organizations").`
            );
        }
        if (name === "AWSOrganizationsNotInUseException") {
            return (
                `${head}: ${listing.action} answered ${name}: the credentials (${credentials}) are not in an organization. ` +
                `Give organizationsRole a role in the organization's management account or a delegated administrator account, or run the program with credentials there.`
            );
        }
        if (name === "ParentNotFoundException" && listing.origin) {
            const o = listing.origin;
            const which = o.nested
                ? `the organizational unit ${o.nested}, nested in organizationalUnitIds[${o.index}] ${o.id}, no longer exists (it was removed while it was read); run the command again`
                : `organizationalUnitIds[${o.index}] ${o.id} is not a root or organizational unit of the organization of account ${account}; ` +
                  `correct it (aws organizations list-roots and list-organizational-units-for-parent list them)`;
            return `${head}: ${listing.action} answered ${name}: ${which}.`;
        }
    }
    const translated = isAuthorizationError(err)
        ? err
        : translate(err, context(listing ?? { action: "organizations:ListAccounts", what }, region));
    const cause = translated.detail ?? translated.message;
    return `${head}: ${cause}`;
}
