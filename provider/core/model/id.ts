/** An authorization's ARN (the resource ID) and its key `authorizedAccountId:authorizedAwsRegion`, unique per source region. */

import { ID_ECHO_LIMIT, quote } from "./redact";

export const KEY_SEPARATOR = ":";

export interface ArnParts {
    partition: string;
    /** The source region. */
    region: string;
    /** The source account. */
    accountId: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):config:([a-z0-9-]+):(\d{12}):aggregation-authorization\/(\d{12})\/([a-z0-9-]+)$/;

const ARN_FORMAT =
    "arn:<partition>:config:<source region>:<source account>:aggregation-authorization/<authorized account>/<authorized region>";

export function parseArn(arn: string): ArnParts {
    const m = ARN_PATTERN.exec(arn);
    if (!m) {
        throw new Error(`unexpected format for aggregation authorization ARN ${quote(arn, ID_ECHO_LIMIT)}, expected ${ARN_FORMAT}`);
    }
    return { partition: m[1], region: m[2], accountId: m[3], authorizedAccountId: m[4], authorizedAwsRegion: m[5] };
}

/** The ARN AWS gives an authorization, known before it is created. */
export function buildArn(p: Omit<ArnParts, "partition"> & { partition?: string }): string {
    const partition = p.partition ?? partitionOf(p.region);
    return `arn:${partition}:config:${p.region}:${p.accountId}:aggregation-authorization/${p.authorizedAccountId}/${p.authorizedAwsRegion}`;
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

export function buildKey(authorizedAccountId: string, authorizedAwsRegion: string): string {
    return `${authorizedAccountId}${KEY_SEPARATOR}${authorizedAwsRegion}`;
}

const KEY_FORMAT = `<authorized account>${KEY_SEPARATOR}<authorized region>, e.g. 123456789012${KEY_SEPARATOR}us-east-1`;

export const ID_FORMATS = `expected the authorization's ARN, ${ARN_FORMAT}, or ${KEY_FORMAT}`;

export function parseKey(key: string): { authorizedAccountId: string; authorizedAwsRegion: string } {
    const parts = key.split(KEY_SEPARATOR);
    if (parts.length !== 2 || !/^\d{12}$/.test(parts[0]) || parts[1] === "") {
        throw new Error(`unexpected format for aggregation authorization ID ${quote(key, ID_ECHO_LIMIT)}: ${ID_FORMATS}`);
    }
    return { authorizedAccountId: parts[0], authorizedAwsRegion: parts[1] };
}

/** A user's ID: the ARN or the key. */
export function parseId(
    id: string,
): { arn: string; parts: ArnParts } | { key: { authorizedAccountId: string; authorizedAwsRegion: string } } {
    if (!id.startsWith("arn:")) return { key: parseKey(id) };
    const m = ARN_PATTERN.exec(id);
    if (!m) throw new Error(`unexpected format for aggregation authorization ID ${quote(id, ID_ECHO_LIMIT)}: ${ID_FORMATS}`);
    return { arn: id, parts: parseArn(id) };
}
