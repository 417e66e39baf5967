/**
 * One message per cause. When many authorizations fail for one reason (no usable credentials, a role
 * that cannot be assumed, access denied), the first failure of a run tells it whole and each later one
 * is a line that points at it, so that 40 accounts × 5 regions read as one paragraph and 40 lines.
 */
import { isAuthorizationError, operationError, type AuthorizationError } from "./aws/errors";

/** What sets one failure apart from another of the same cause: the resource, ARNs, accounts and regions. */
const SUBJECT = /^[a-z]+ (?:Config aggregation authorization|SourceAccountAuthorizations) \((?:[^()]|\([^()]*\))*\): /;
const VARYING: [RegExp, string][] = [
    [/\barn:aws[\w-]*:[^\s,;)]+/g, "<arn>"],
    [/\b\d{12}\b/g, "<account>"],
    [/\b[a-z]{2}(?:-[a-z]+)+-\d\b/g, "<region>"],
];

/** The cause of an error's message, with its verb and without what varies between the resources it hits. */
export function causeOf(message: string): string {
    const verb = message.split(" ", 1)[0];
    return `${verb} ${VARYING.reduce((m, [re, to]) => m.replace(re, to), message.replace(SUBJECT, ""))}`;
}

/** Regions' failure messages grouped by cause, in first-seen order: the regions each hit, and its first message. */
export function byCause(failures: { region: string; message: string }[]): { key: string; regions: string[]; message: string }[] {
    const groups = new Map<string, { key: string; regions: string[]; message: string }>();
    for (const { region, message } of failures) {
        const key = causeOf(message);
        const group = groups.get(key) ?? { key, regions: [], message };
        group.regions.push(region);
        groups.set(key, group);
    }
    return [...groups.values()];
}

/** The first sentence of a message's cause (to a `.` or `:` outside parentheses), for a line that points at the whole message. */
export function gist(message: string): string {
    const cause = message.replace(SUBJECT, "");
    let depth = 0;
    for (let i = 0; i < cause.length; i++) {
        const c = cause[i];
        if (c === "(") depth++;
        else if (c === ")") depth = Math.max(0, depth - 1);
        else if ((c === "." || c === ":") && depth === 0 && (i + 1 === cause.length || /\s/.test(cause[i + 1]))) return cause.slice(0, i);
    }
    return cause;
}

/** The subject a message names: `<verb> <what> (<which>)`, before its cause. */
function subjectOf(message: string): string {
    const m = SUBJECT.exec(message);
    return m ? m[0].slice(0, -2) : message.split("\n")[0];
}

/** The causes a run has told whole, by cause: the subject of the message that told each. */
export class Causes {
    private readonly told = new Map<string, string>();

    /** Forgets every cause told (a new run). */
    clear(): void {
        this.told.clear();
    }

    /** Who told the cause `key` whole, or undefined when `subject` tells it (the first time, or `subject` told it). */
    teller(key: string, subject: string): string | undefined {
        const first = this.told.get(key);
        if (first === undefined) this.told.set(key, subject);
        return first === subject ? undefined : first;
    }

    /** `message` as the run tells it: whole the first time its cause is seen, else one line naming who told it. */
    tell(message: string): string {
        const subject = subjectOf(message);
        const first = this.teller(causeOf(message), subject);
        return first === undefined ? message : `${subject}: ${gist(message)}: ${sameAs(first)}`;
    }

    /** `err` as the run tells it (see {@link tell}); a partial failure keeps its ID and properties. */
    error(err: unknown): unknown {
        if (!isAuthorizationError(err)) return err;
        const message = this.tell(err.message);
        if (message === err.message) return err;
        const e: AuthorizationError = operationError(message, err.code);
        if (err.id !== undefined) Object.assign(e, { id: err.id, properties: err.properties, reasons: [message] });
        return e;
    }
}

/** The end of a line that points at the message that told its cause whole. */
export function sameAs(teller: string): string {
    return `the same cause as for ${teller}, whose message says it whole and what to do.`;
}
