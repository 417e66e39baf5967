/**
 * Answers meaning the endpoint lacks the operation, which retrying cannot change. Config and STS take
 * every operation at one path, so a 404 is not theirs; they answer errors in JSON or XML, so an HTML
 * page below 502 is something else (moto: 500). 502–504 stay retryable, as gateways recover.
 */

/** The parts of an SDK error this looks at. */
interface AnsweredError {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    /** Not enumerable. */
    $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** The error code AWS gives an operation it does not have. */
export const UNKNOWN_OPERATION = "UnknownOperationException";

/** The answer in words (`"HTTP 404"`) when it says the operation is not implemented. */
export function unimplementedAnswer(err: unknown): string | undefined {
    if (typeof err !== "object" || err === null) return undefined;
    const e = err as AnsweredError;
    if (e.name === UNKNOWN_OPERATION) return UNKNOWN_OPERATION;
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    if (status === undefined) return undefined;
    const headers = e.$response?.headers ?? {};
    const type = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
    const html = /^\s*text\/html\b/i.test(type);
    if (html && status < 502) return `HTTP ${status} with an HTML page`;
    if (status === 404 || status === 501) return `HTTP ${status}`;
    return undefined;
}
