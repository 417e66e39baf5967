/**
 * AWS Organizations as AWS answers the three List calls the package makes (ListAccounts,
 * ListAccountsForParent, ListOrganizationalUnitsForParent), in front of moto, which holds the
 * organization (made with its CreateOrganization, CreateOrganizationalUnit, CreateAccount) but is
 * lenient where AWS is not (each leniency seen against moto 5 in test/provider/organizations.test.ts):
 *
 * 1. Who may call. "This operation can be called only from the organization's management account or by
 *    a member account that is a delegated administrator" (API reference, ListAccounts,
 *    https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html; the same for
 *    the other two), else AccessDeniedException, and an account in no organization gets
 *    AWSOrganizationsNotInUseException. moto answers both callers with an empty list, which a program
 *    would take for an organization without accounts.
 * 2. Pages. `MaxResults` is 1 to 20 ("Valid Range: Minimum value of 1. Maximum value of 20", common to
 *    the three; out of range: InvalidInputException); moto takes any value and gives ListAccounts 100
 *    accounts a page. Here a page holds at most `MaxResults` (20 when absent, the most AWS gives), its
 *    `NextToken` is opaque and bound to its listing, and another token is InvalidInputException.
 * 3. "These operations can occasionally return an empty set of results even when there are more
 *    results available" (the same pages): `emptyPages` starts the next listings with an empty page
 *    that has a NextToken, one listing per count.
 * 4. Account states moto never shows: its CloseAccount makes an account SUSPENDED at once, and no
 *    account is PENDING_CLOSURE or CLOSED (`Account.State`,
 *    https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html). `setState` shows
 *    an account in any state; `retireStatus` drops `Account.Status`, as AWS will on September 9, 2026.
 */
import type * as http from "node:http";
import type { Upstream, Verdict } from "./aws-faithful";

const TARGET = "AWSOrganizationsV20161128";
/** The List operations emulated, with the member of their answer that holds the items. */
const LISTS: Readonly<Record<string, string>> = {
    ListAccounts: "Accounts",
    ListAccountsForParent: "Accounts",
    ListOrganizationalUnitsForParent: "OrganizationalUnits",
};
const MAX_RESULTS = 20;
/** `Account.Status` of each `Account.State` that it has a value for. */
const OLDER: Readonly<Record<string, string>> = { ACTIVE: "ACTIVE", SUSPENDED: "SUSPENDED", PENDING_CLOSURE: "PENDING_CLOSURE" };

type Item = Record<string, unknown>;

const error = (status: number, code: string, message: string): Verdict => ({ error: { status, code, message } });
const invalidInput = (message: string) => error(400, "InvalidInputException", message);

export class OrganizationsEmulation {
    /** Empty pages still to give, one at the start of each next listing. */
    emptyPages = 0;
    private readonly states = new Map<string, { State?: string; Status?: string }>();
    private statusRetired = false;
    private readonly tokens = new Map<string, { listing: string; offset: number }>();
    private issued = 0;

    constructor(private readonly upstream: Upstream) {}

    /** Forgets the test data: states, the retired Status, empty pages, tokens. */
    forget(): void {
        this.emptyPages = 0;
        this.states.clear();
        this.statusRetired = false;
        this.tokens.clear();
    }

    /**
     * Shows `accountId` in `state` and `status` (the older field; by default the value of State it has,
     * none for CLOSED and PENDING_ACTIVATION); undefined leaves the field out of the answer.
     */
    setState(accountId: string, state: string | undefined, status: string | undefined = state && OLDER[state]): void {
        this.states.set(accountId, { State: state, Status: status });
    }

    /** Answers without `Account.Status`, as AWS will from September 9, 2026. */
    retireStatus(): void {
        this.statusRetired = true;
    }

    /** AWS's answer to `operation` (one of the Organizations calls) from account `caller`; undefined for the rest, which moto answers. */
    async review(headers: http.IncomingHttpHeaders, caller: string, operation: string, body: Record<string, unknown>): Promise<Verdict> {
        const member = LISTS[operation];
        if (!member) return undefined;
        const max = body.MaxResults;
        if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= MAX_RESULTS)) {
            return invalidInput(
                `You provided a value that does not match the required pattern (MaxResults must be from 1 to ${MAX_RESULTS}).`,
            );
        }
        const org = await this.call(headers, caller, "DescribeOrganization", {});
        if ("error" in org) return org;
        const management = String((org.answer.Organization as Item | undefined)?.MasterAccountId ?? "");
        if (caller !== management) {
            const admins = await this.call(headers, management, "ListDelegatedAdministrators", {});
            if ("error" in admins) return admins;
            const listed = (admins.answer.DelegatedAdministrators as Item[] | undefined) ?? [];
            if (!listed.some((a) => a.Id === caller))
                return error(400, "AccessDeniedException", "You don't have permissions to access this resource.");
        }
        const listing = `${caller}|${operation}|${String(body.ParentId ?? "")}`;
        let offset = 0;
        if (body.NextToken !== undefined) {
            const t = this.tokens.get(String(body.NextToken));
            if (!t || t.listing !== listing) return invalidInput("The provided NextToken is not valid.");
            offset = t.offset;
        } else if (this.emptyPages > 0) {
            this.emptyPages--;
            return { answer: { [member]: [], NextToken: this.token(listing, 0) } };
        }
        // Every item, read from moto as the management account (whose organization moto keeps).
        const items: Item[] = [];
        let NextToken: unknown;
        do {
            const page = await this.call(headers, management, operation, {
                ...(body.ParentId !== undefined ? { ParentId: body.ParentId } : {}),
                MaxResults: 1000,
                ...(NextToken ? { NextToken } : {}),
            });
            if ("error" in page) return page;
            items.push(...((page.answer[member] as Item[] | undefined) ?? []));
            NextToken = page.answer.NextToken;
        } while (NextToken);
        const size = (max as number | undefined) ?? MAX_RESULTS;
        const shown = items.slice(offset, offset + size).map((i) => (member === "Accounts" ? this.account(i) : i));
        const more = offset + size < items.length;
        return { answer: { [member]: shown, ...(more ? { NextToken: this.token(listing, offset + size) } : {}) } };
    }

    private account(a: Item): Item {
        const { Status, State, ...rest } = a;
        const set = this.states.get(String(a.Id)) ?? { State, Status };
        return {
            ...rest,
            ...(set.State !== undefined ? { State: set.State } : {}),
            ...(set.Status !== undefined && !this.statusRetired ? { Status: set.Status } : {}),
        };
    }

    private token(listing: string, offset: number): string {
        const token = `emulated-${++this.issued}-${Math.random().toString(36).slice(2)}`;
        this.tokens.set(token, { listing, offset });
        return token;
    }

    /** Calls moto as `account`: its answer, or its error as AWS would send it on. */
    private async call(
        headers: http.IncomingHttpHeaders,
        account: string,
        operation: string,
        body: object,
    ): Promise<{ answer: Item } | Exclude<Verdict, undefined | { answer: unknown }>> {
        const h: http.IncomingHttpHeaders = { ...headers, "x-moto-account-id": account, "content-type": "application/x-amz-json-1.1" };
        const r = await this.upstream(h, `${TARGET}.${operation}`, JSON.stringify(body));
        const parsed = JSON.parse(r.body.toString("utf8") || "{}") as Item;
        if (r.status === 200) return { answer: parsed };
        const code = String(parsed.__type ?? "ServiceException")
            .split("#")
            .pop()!;
        return { error: { status: r.status, code, message: String(parsed.message ?? parsed.Message ?? "") } };
    }
}
