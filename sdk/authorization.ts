/** `AggregationAuthorization`: its arguments, outputs, and the hidden inputs it passes the provider. */
import * as pulumi from "@pulumi/pulumi";
import { AUTHORIZATION, type Tags } from "../provider/shared";
import { ConfigAggregationResource, defaultRegion, type AssumeRoleArgs } from "./base";

export type { AssumeRoleArgs } from "./base";

export type { Inputs, Outputs, Tags } from "../provider/shared";

/** What `AggregationAuthorization.get` needs besides the ID. */
export interface AggregationAuthorizationState {
    /** The source region to look an `authorizedAccountId:authorizedAwsRegion` ID up in. @default - the default region */
    readonly region?: pulumi.Input<string>;
    /**
     * A role to read an authorization in another account through.
     * @default - the stack's credentials
     */
    readonly assumeRole?: AssumeRoleArgs;
}

/** The arguments of an {@link AggregationAuthorization}. */
export interface AggregationAuthorizationArgs {
    /**
     * The 12-digit ID of the account that runs the aggregator; changing it replaces the authorization.
     * Quote an ID that starts with 0: a number drops the zero and is refused.
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAccountId: pulumi.Input<string | number>;
    /**
     * The region the aggregator runs in, e.g. `us-east-1`; changing it replaces the authorization.
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_PutAggregationAuthorization.html
     */
    readonly authorizedAwsRegion: pulumi.Input<string>;
    /**
     * The source region to create the authorization in: declare one resource per source region.
     * Changing it replaces the authorization.
     * @default - the stack's `aws:region` config, then `AWS_REGION`, then `AWS_DEFAULT_REGION`
     */
    readonly region?: pulumi.Input<string>;
    /**
     * At most 49 (one of AWS's 50 is the owner tag); keys 1–128 characters not starting with `aws:`,
     * values 0–256. Values may be secrets. Changed in place.
     * @default - no tags
     * @see https://docs.aws.amazon.com/config/latest/APIReference/API_TagResource.html
     */
    readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /**
     * Adopt an authorization made outside Pulumi (AWS Control Tower, the console) instead of failing:
     * only declared tag keys are managed, and destroy leaves it, removing only the tags this resource set.
     * Never applies to one another Pulumi resource manages. See docs/ownership-and-adoption.md.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Take an existing authorization over as its owner, at the first create only: to migrate one made by
     * pulumi-aws, Terraform or the console. Undeclared tags stay, and destroy deletes it. Never applies to
     * one a Pulumi resource manages (use `pulumi state move`). See docs/migration.md.
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /**
     * Lets `takeOwnership` take an authorization AWS Control Tower created; a mandatory control protects
     * those, so prefer `adoptExisting`.
     * @default false
     * @see https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
     */
    readonly takeOwnershipFromControlTower?: pulumi.Input<boolean>;
    /**
     * The account the authorization must land in: preview and create fail, naming both accounts, if the
     * credentials act in another.
     * @default - wherever the credentials act
     */
    readonly sourceAccountId?: pulumi.Input<string>;
    /**
     * A role to assume in the source account, so one program reaches many accounts. A role in another
     * account replaces the authorization. Its credentials never reach state, outputs or logs.
     * @default - the stack's credentials (`aws:profile`, `aws:assumeRoles`, …, or the environment)
     */
    readonly assumeRole?: AssumeRoleArgs;
}

/**
 * An AWS Config aggregation authorization: lets the aggregator in `authorizedAccountId` /
 * `authorizedAwsRegion` collect AWS Config data from this account in `region`.
 *
 * - An account-based aggregator needs one authorization **per source region**.
 * - An existing authorization fails `create`; see `adoptExisting` and `takeOwnership`.
 * - Nothing is changed or deleted unless it is this resource's creation, in the credentials' account.
 * - A replacement deletes first: AWS holds one authorization per key.
 *
 * The resource ID is the authorization's ARN.
 */
export class AggregationAuthorization extends ConfigAggregationResource {
    /** The aggregator account that is authorized. */
    declare public readonly authorizedAccountId: pulumi.Output<string>;
    /** The aggregator region that is authorized. */
    declare public readonly authorizedAwsRegion: pulumi.Output<string>;
    /** The source region the authorization lives in. */
    declare public readonly region: pulumi.Output<string>;
    /** The declared tags, as applied. */
    declare public readonly tags: pulumi.Output<Tags>;
    /** The tags this resource manages: `aws:defaultTags` under `tags`, without `aws:ignoreTags`. */
    declare public readonly tagsAll: pulumi.Output<Tags>;
    /** The role assumed, without its external ID. */
    declare public readonly assumeRole: pulumi.Output<{ roleArn: string; sessionName?: string } | undefined>;
    /** The Pulumi resource that owns the authorization (also its owner tag, unless adopted). */
    declare public readonly owner: pulumi.Output<string>;
    /** As given. */
    declare public readonly adoptExisting: pulumi.Output<boolean | undefined>;
    /** As given. */
    declare public readonly takeOwnership: pulumi.Output<boolean | undefined>;
    /** The authorization's ARN, also the resource ID. */
    declare public readonly arn: pulumi.Output<string>;
    /** The source account. */
    declare public readonly accountId: pulumi.Output<string>;
    /** When AWS created the authorization (ISO 8601). */
    declare public readonly creationTime: pulumi.Output<string>;
    /** Adopted, not created: destroy leaves it. */
    declare public readonly adopted: pulumi.Output<boolean>;
    /** The random ID in its owner tag; absent when adopted. */
    declare public readonly creationId: pulumi.Output<string | undefined>;

    /**
     * Reads an existing authorization without managing it.
     * @param id the ARN, or `authorizedAccountId:authorizedAwsRegion`
     */
    public static get(
        name: string,
        id: pulumi.Input<string>,
        state?: AggregationAuthorizationState | pulumi.Input<string>,
        opts?: pulumi.CustomResourceOptions,
    ): AggregationAuthorization {
        // 0.1.0 took the region as the third argument; kept until 0.3.0.
        const legacy = typeof state === "string" || pulumi.Output.isInstance(state) || state instanceof Promise;
        const given = legacy ? { region: state } : (state ?? {});
        const { region, assumeRole } = given as AggregationAuthorizationState;
        return new AggregationAuthorization(name, { region, assumeRole } as AggregationAuthorizationArgs, { ...opts, id });
    }

    constructor(name: string, args: AggregationAuthorizationArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            AUTHORIZATION,
            name,
            args,
            {
                region: args?.region ?? defaultRegion(),
                arn: undefined,
                creationTime: undefined,
                adopted: undefined,
                creationId: undefined,
                takenOver: undefined,
            },
            opts,
        );
    }
}
