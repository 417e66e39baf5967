/** The shapes passed between the SDK and the provider. Outputs extend inputs so `diff` can compare them key by key. */

/** Tags as AWS Config stores them. */
export type Tags = { [key: string]: string };

/** The inputs of one aggregation authorization. */
export interface Inputs {
    authorizedAccountId: string;
    authorizedAwsRegion: string;
    /** The source region; the resource class resolves the default. */
    region: string;
    tags?: Tags;
    /** The resource that owns the authorization (see `owner.ts`), stored as the tag {@link OWNER_TAG}. */
    owner?: string;
    /** Adopt an existing authorization made outside Pulumi: manage only declared tags, never delete it. */
    adoptExisting?: boolean;
    /** Take an existing authorization over as its owner: its tags follow the program and destroy deletes it. */
    takeOwnership?: boolean;
    /** Lets `takeOwnership` take an authorization tagged by AWS Control Tower. */
    takeOwnershipFromControlTower?: boolean;
    /** The account the authorization must land in; checked against the credentials' account. */
    sourceAccountId?: string;
    /** A tag value may be secret: `check` then does not preview `tagsAll`, which it could not mark secret. */
    tagsMayBeSecret?: boolean;
    /** The role to assume in the source account. */
    assumeRole?: { roleArn: string; sessionName?: string };
    /** Apart from {@link assumeRole} so that it alone can be a secret. */
    assumeRoleExternalId?: string;
}

/** What state records: the inputs as applied, plus what AWS says. */
export interface Outputs extends Inputs {
    /** Also the resource ID. */
    arn: string;
    accountId: string;
    /** ISO 8601. */
    creationTime: string;
    /** The tags this resource manages: `aws:defaultTags` under `tags`, `aws:ignoreTags` left out. */
    tagsAll?: Tags;
    /** Absent in 0.1.0 state, meaning false. */
    adopted?: boolean;
    /** The random ID of the create that made or took over the authorization, written in its owner tag. */
    creationId?: string;
    /** Taken over: tags it held then that the program does not declare are left alone. */
    takenOver?: boolean;
    /** The tag keys an adopted authorization held before; destroy never removes them. */
    foundTagKeys?: string[];
}

/** Records which Pulumi resource created an authorization. Not counted in `tags`. */
export const OWNER_TAG = "pulumi-aws-config-aggregation:owner";

/** What Pulumi sends for an input not known yet (preview); never validated as real. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, the preview-unknown sentinel. */
export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(isUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
    return false;
}
