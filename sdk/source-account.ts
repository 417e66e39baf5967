import * as pulumi from "@pulumi/pulumi";
import { SOURCE_ACCOUNT, type Tags } from "../provider/shared";
import { ConfigAggregationResource, type AssumeRoleArgs, type TagsArg } from "./base";

/** The arguments of a {@link SourceAccountAuthorizations}. */
export interface SourceAccountAuthorizationsArgs {
    /** The 12-digit ID of the account that runs the aggregator; changing it replaces the resource. */
    readonly authorizedAccountId: pulumi.Input<string | number>;
    /** The region of the aggregator, e.g. `us-east-1`; changing it replaces the resource. */
    readonly authorizedAwsRegion: pulumi.Input<string>;
    /**
     * The source regions, one authorization in each, in any order. Adding or removing one is an update.
     * @see https://docs.aws.amazon.com/config/latest/developerguide/aggregate-data.html
     */
    readonly regions: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Tags of every region's authorization, at most 49 (one of AWS's 50 is the owner tag). Changed in place.
     * @default - no tags
     */
    readonly tags?: TagsArg;
    /**
     * The account the authorizations must land in: preview and create fail if the credentials act in another.
     * @default - wherever the credentials act
     */
    readonly sourceAccountId?: pulumi.Input<string>;
    /**
     * A role to assume in the source account. A role in another account replaces the resource.
     * @default - the stack's credentials
     */
    readonly assumeRole?: AssumeRoleArgs;
    /**
     * Adopt existing authorizations (AWS Control Tower's, say): manage only declared tag keys, and
     * destroy leaves them. Regions without one still get one this resource owns.
     * @default false
     */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /**
     * Take existing authorizations over as their owner, to migrate from pulumi-aws, Terraform or the
     * console; destroy deletes them.
     * @default false
     */
    readonly takeOwnership?: pulumi.Input<boolean>;
    /** With `takeOwnership`: also take over authorizations AWS Control Tower created. @default false */
    readonly takeOwnershipFromControlTower?: pulumi.Input<boolean>;
}

/**
 * One source account's aggregation authorizations for one aggregator, one per region, as one resource:
 * the engine's cost grows with the square of the resource count (BENCHMARKS.md, "Organization").
 * Each region behaves as an {@link AggregationAuthorization}; when some regions fail, state keeps the
 * ones that succeeded and the next `pulumi up` finishes the rest.
 */
export class SourceAccountAuthorizations extends ConfigAggregationResource {
    declare public readonly authorizedAccountId: pulumi.Output<string>;
    declare public readonly authorizedAwsRegion: pulumi.Output<string>;
    /** The regions whose authorization AWS holds, sorted. */
    declare public readonly regions: pulumi.Output<string[]>;
    declare public readonly tags: pulumi.Output<Tags>;
    /** The tags this resource manages, default tags included. */
    declare public readonly tagsAll: pulumi.Output<Tags>;
    /** The source account. */
    declare public readonly accountId: pulumi.Output<string>;
    /** Each authorization's ARN, by region. */
    declare public readonly arns: pulumi.Output<{ [region: string]: string }>;
    /** When AWS created each authorization (ISO 8601), by region. */
    declare public readonly creationTimes: pulumi.Output<{ [region: string]: string }>;
    /** The random ID in each owner tag, by region; none for an adopted one. */
    declare public readonly creationIds: pulumi.Output<{ [region: string]: string }>;
    declare public readonly owner: pulumi.Output<string>;

    constructor(name: string, args: SourceAccountAuthorizationsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            SOURCE_ACCOUNT,
            name,
            args,
            { regions: args?.regions, arns: undefined, creationTimes: undefined, creationIds: undefined, exceptions: undefined },
            // The list diffs by index, so removing one region would show every later one changing; `arns` names it.
            { ...opts, hideDiffs: [...(opts?.hideDiffs ?? []), "regions"] },
            ["tagsAll", "exceptions"],
        );
    }
}
