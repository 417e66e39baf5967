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
    type AggregationAuthorization,
} from "@aws-sdk/client-config-service";
import { configureSettings } from "../../provider/client";
import { fromTagList, toTagList } from "../../provider/tags";
import type { Inputs, Tags } from "../../provider/types";
import { Moto } from "./moto";
import { RecordingProxy } from "./proxy";
import { CREDENTIALS_ENV } from "./secrets";

/** The account moto answers for (sts:GetCallerIdentity). */
export const SOURCE_ACCOUNT = "123456789012";
export const AGGREGATOR_ACCOUNT = "111122223333";

/** The ARN moto gives the authorization of `account`/`aggregatorRegion` in source `region`. */
export const arnOf = (region: string, aggregatorRegion = "us-east-1", account = AGGREGATOR_ACCOUNT) =>
    `arn:aws:config:${region}:${SOURCE_ACCOUNT}:aggregation-authorization/${account}/${aggregatorRegion}`;

/** Provider inputs for the aggregator in us-east-1 from eu-west-1, with `over` applied. */
export const inputsFor = (over: Partial<Inputs> = {}): Inputs => ({
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
    ...over,
});

export { CREDENTIALS_ENV };

export interface AwsFixture {
    moto: Moto;
    proxy: RecordingProxy;
    /** Lists authorizations in a source region, read straight from moto. */
    list(region: string): Promise<AggregationAuthorization[]>;
    /** The tags of an ARN, read straight from moto. */
    tags(region: string, arn: string): Promise<Tags>;
    /** Creates an authorization outside the program (as Control Tower would). */
    putOutOfBand(region: string, account: string, aggregatorRegion: string, tags?: Tags): Promise<AggregationAuthorization>;
    deleteOutOfBand(region: string, account: string, aggregatorRegion: string): Promise<void>;
    tagOutOfBand(region: string, arn: string, tags: Tags): Promise<void>;
}

/** Starts moto and the proxy for the enclosing `describe`, and points the provider at them. */
export function useAws(): AwsFixture {
    const saved = { ...process.env };
    const fixture = {} as AwsFixture;
    const direct = (region: string) =>
        new ConfigServiceClient({ region, endpoint: fixture.moto.url, credentials: { accessKeyId: "x", secretAccessKey: "x" } });

    before(async function () {
        this.timeout(60000);
        fixture.moto = await Moto.start();
        fixture.proxy = await RecordingProxy.start(fixture.moto.url);
        Object.assign(process.env, CREDENTIALS_ENV, { AWS_ENDPOINT_URL: fixture.proxy.url, AWS_MAX_ATTEMPTS: "4" });
        delete process.env.AWS_PROFILE;
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
    });
    beforeEach(async () => {
        await fixture.moto.reset();
        fixture.proxy.inject(undefined);
        fixture.proxy.clear();
        configureSettings({});
    });
    after(async () => {
        process.env = saved;
        configureSettings({});
        await fixture.proxy?.stop();
        await fixture.moto?.stop();
    });

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
    fixture.tags = async (region, arn) =>
        fromTagList((await direct(region).send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags);
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
    fixture.tagOutOfBand = async (region, arn, tags) => {
        await direct(region).send(new TagResourceCommand({ ResourceArn: arn, Tags: toTagList(tags) }));
    };
    return fixture;
}
