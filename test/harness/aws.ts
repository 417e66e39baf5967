/**
 * Test fixture for the provider tier: one moto server and a recording proxy for the whole run,
 * AWS environment pointed at the proxy, state reset before each test, and an independent
 * AWS client (straight to moto, not recorded) to read the state back.
 */
import {
    ConfigServiceClient,
    DescribeAggregationAuthorizationsCommand,
    ListTagsForResourceCommand,
    PutAggregationAuthorizationCommand,
    DeleteAggregationAuthorizationCommand,
    TagResourceCommand,
    UntagResourceCommand,
    type AggregationAuthorization,
} from "@aws-sdk/client-config-service";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { newRun } from "./run";
import { ownerOf } from "../../provider/core/owner";
import { fromTagList, toTagList } from "../../provider/core/model/tags";
import { OWNER_TAG, type Inputs, type Tags } from "../../provider/core/model/types";
import { Moto } from "./moto";
import { RecordingProxy } from "./proxy";
import { CREDENTIALS_ENV } from "./secrets";
import { TYPE } from "../../provider/core/model/dynamic";

/** The account moto answers for (sts:GetCallerIdentity). */
export const SOURCE_ACCOUNT = "123456789012";
export const AGGREGATOR_ACCOUNT = "111122223333";

/** A second source account (moto's STS AssumeRole gives credentials that act in the role's account). */
export const OTHER_ACCOUNT = "444455556666";
/** More source accounts, reached through roles. */
export const THIRD_ACCOUNT = "777788889999";
export const FOURTH_ACCOUNT = "222233334444";

/** The role the tests assume in `account` (moto assumes any role ARN it is given). */
export const roleIn = (account: string, name = "config-authorizer") => `arn:aws:iam::${account}:role/${name}`;

/** The ARN moto gives the authorization of `account`/`aggregatorRegion` in source `region`. */
export const arnOf = (region: string, aggregatorRegion = "us-east-1", account = AGGREGATOR_ACCOUNT, source = SOURCE_ACCOUNT) =>
    `arn:aws:config:${region}:${source}:aggregation-authorization/${account}/${aggregatorRegion}`;

/** The owner the resource class computes for resource `name` of stack `stack` of project `proj` (organization `org`). */
export const ownerFor = (name: string, stack = "dev", org = "organization", parents = "") =>
    ownerOf(org, `urn:pulumi:${stack}::proj::${parents}${TYPE}::${name}`);

/**
 * The owner tag of a creation of the resource with `owner`, as the fixture's `tags` show it: the random
 * creation ID (provider/core/ownership.ts) as `*`. Tests that check the ID itself read `rawTags`.
 */
export const created = (owner: string) => `${owner} creation:*`;

/** Shows an owner tag's creation ID as `*` (see {@link created}). */
const masked = (tags: Tags): Tags =>
    Object.fromEntries(
        Object.entries(tags).map(([k, v]) => [k, k === OWNER_TAG ? v.replace(/ creation:[0-9a-f]{16}$/, " creation:*") : v]),
    );

/** The owner of the default inputs: resource `a` of stack `dev`. */
export const OWNER_A = ownerFor("a");

/** Provider inputs for the aggregator in us-east-1 from eu-west-1, owned by resource `a`, with `over` applied. */
/** `outs` without the digest of the inputs it was made from (provider/core/input-changes.ts). */
export function withoutDigest<T>(outs: T): T {
    const { __inputs: _d, ...rest } = outs as T & { __inputs?: string };
    return rest as T;
}

export const inputsFor = (over: Partial<Inputs> = {}): Inputs => ({
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
    owner: OWNER_A,
    ...over,
});

export { CREDENTIALS_ENV };

export interface AwsFixture {
    moto: Moto;
    proxy: RecordingProxy;
    /** Lists authorizations in a source region, read straight from moto. */
    list(region: string): Promise<AggregationAuthorization[]>;
    /** The tags of an ARN, read straight from moto, the owner tag's creation ID shown as `*` ({@link created}). */
    tags(region: string, arn: string): Promise<Tags>;
    /** The tags of an ARN, read straight from moto, exactly. */
    rawTags(region: string, arn: string): Promise<Tags>;
    /** Creates an authorization outside the program (as Control Tower would). */
    putOutOfBand(region: string, account: string, aggregatorRegion: string, tags?: Tags): Promise<AggregationAuthorization>;
    deleteOutOfBand(region: string, account: string, aggregatorRegion: string): Promise<void>;
    tagOutOfBand(region: string, arn: string, tags: Tags): Promise<void>;
    /** Removes tag keys straight in moto, as a tag-hygiene job (Tag Editor, a cleanup script) would. */
    untagOutOfBand(region: string, arn: string, keys: string[]): Promise<void>;
    /**
     * Runs `fn` with the provider's credentials acting in `account` (assumed from moto's STS), as a
     * wrong AWS_PROFILE would; the fixture's own reads (`list`, `tags`, …) take `account` too.
     */
    inAccount<T>(account: string, fn: () => Promise<T>): Promise<T>;
    /**
     * A Config client acting in `account` through the proxy, with credentials of its own: unlike
     * `inAccount`, it changes no process-wide setting, so it may run while other calls are in flight.
     */
    configIn(account: string, region: string): Promise<ConfigServiceClient>;
    /** Lists authorizations in `region` of `account`, read straight from moto; changes no environment or settings. */
    listIn(account: string, region: string): Promise<AggregationAuthorization[]>;
    /** The tags of an ARN in `account`, read straight from moto (creation IDs as in `tags`). */
    tagsIn(account: string, region: string, arn: string): Promise<Tags>;
}

/** moto on a free loopback port behind the recording proxy: what the tests and the bench (bench/run.ts) both run against. */
export async function startAws(): Promise<{ moto: Moto; proxy: RecordingProxy; stop(): Promise<void> }> {
    const moto = await Moto.start();
    const proxy = await RecordingProxy.start(moto.url);
    return { moto, proxy, stop: async () => (await proxy.stop(), await moto.stop()) };
}

/** Starts moto and the proxy for the enclosing `describe`, and points the provider at them. */
export function useAws(): AwsFixture {
    const saved = { ...process.env };
    const fixture = {} as AwsFixture;
    let stop: (() => Promise<void>) | undefined;
    /** Credentials per account for the fixture's direct reads; the default account uses the test keys. */
    const credentialsOf = new Map<string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }>();
    let current = SOURCE_ACCOUNT;
    const direct = (region: string, account = current) =>
        new ConfigServiceClient({
            region,
            endpoint: fixture.moto.url,
            credentials: credentialsOf.get(account) ?? { accessKeyId: "x", secretAccessKey: "x" },
        });

    before(async function () {
        this.timeout(60000);
        ({ moto: fixture.moto, proxy: fixture.proxy, stop } = await startAws());
        Object.assign(process.env, CREDENTIALS_ENV, { AWS_ENDPOINT_URL: fixture.proxy.url, AWS_MAX_ATTEMPTS: "4" });
        delete process.env.AWS_PROFILE;
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
    });
    beforeEach(async () => {
        await fixture.moto.reset();
        credentialsOf.clear(); // moto forgot the roles it handed out
        fixture.proxy.reset();
        fixture.proxy.clear();
        fixture.proxy.faithful?.aggregation.forget();
        fixture.proxy.faithful?.organizations.forget();
        newRun({});
    });
    after(async () => {
        process.env = saved;
        newRun({});
        await stop?.();
    });

    const assume = async (account: string) => {
        if (!credentialsOf.has(account)) {
            const sts = new STSClient({
                region: "us-east-1",
                endpoint: fixture.moto.url,
                credentials: { accessKeyId: "x", secretAccessKey: "x" },
            });
            const c = (
                await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/platform`, RoleSessionName: "tests" }))
            ).Credentials!;
            credentialsOf.set(account, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken });
        }
    };
    fixture.configIn = async (account, region) => {
        await assume(account);
        return new ConfigServiceClient({ region, endpoint: fixture.proxy.url, credentials: credentialsOf.get(account)! });
    };
    fixture.inAccount = async (account, fn) => {
        await assume(account);
        const c = credentialsOf.get(account)!;
        const saved = { ...process.env };
        const previous = current;
        Object.assign(process.env, {
            AWS_ACCESS_KEY_ID: c.accessKeyId,
            AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
            AWS_SESSION_TOKEN: c.sessionToken,
        });
        current = account;
        newRun({});
        try {
            return await fn();
        } finally {
            process.env = saved;
            current = previous;
            newRun({});
        }
    };
    fixture.listIn = async (account, region) => {
        await assume(account);
        const out: AggregationAuthorization[] = [];
        let NextToken: string | undefined;
        do {
            const page = await direct(region, account).send(new DescribeAggregationAuthorizationsCommand({ NextToken }));
            out.push(...(page.AggregationAuthorizations ?? []));
            NextToken = page.NextToken;
        } while (NextToken);
        return out;
    };
    fixture.tagsIn = async (account, region, arn) => {
        await assume(account);
        return masked(fromTagList((await direct(region, account).send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags));
    };
    fixture.list = async (region) => {
        const out: AggregationAuthorization[] = [];
        let NextToken: string | undefined;
        do {
            const page = await direct(region).send(new DescribeAggregationAuthorizationsCommand({ NextToken }));
            out.push(...(page.AggregationAuthorizations ?? []));
            NextToken = page.NextToken;
        } while (NextToken);
        return out;
    };
    fixture.rawTags = async (region, arn) =>
        fromTagList((await direct(region).send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags);
    fixture.tags = async (region, arn) => masked(await fixture.rawTags(region, arn));
    fixture.putOutOfBand = async (region, account, aggregatorRegion, tags) =>
        (
            await direct(region).send(
                new PutAggregationAuthorizationCommand({
                    AuthorizedAccountId: account,
                    AuthorizedAwsRegion: aggregatorRegion,
                    Tags: toTagList(tags),
                }),
            )
        ).AggregationAuthorization!;
    fixture.deleteOutOfBand = async (region, account, aggregatorRegion) => {
        await direct(region).send(
            new DeleteAggregationAuthorizationCommand({ AuthorizedAccountId: account, AuthorizedAwsRegion: aggregatorRegion }),
        );
    };
    fixture.untagOutOfBand = async (region, arn, keys) => {
        await direct(region).send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: keys }));
    };
    fixture.tagOutOfBand = async (region, arn, tags) => {
        await direct(region).send(new TagResourceCommand({ ResourceArn: arn, Tags: toTagList(tags) }));
    };
    return fixture;
}
