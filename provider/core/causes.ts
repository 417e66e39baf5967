/** One message per cause: the first failure of a run tells it whole, later ones point at it in a line. */
import { isAuthorizationError, operationError, type AuthorizationError } from "./aws/errors";

/** What varies between failures of one cause. */
const SUBJECT = /^[a-z]+ (?:Config aggregation authorization|SourceAccountAuthorizations) \((?:[^()]|\([^()]*\))*\): /;
const VARYING: [RegExp, string][] = [
    [/\barn:aws[\w-]*:[^\s,;)]+/g, "<arn>"],
    [/\b\d{12}\b/g, "<account>"],
    [/\b[a-z]{2}(?:-[a-z]+)+-\d\b/g, "<region>"],
];

/** The message with its verb, without what varies between resources. */
export function causeOf(message: string): string {
    const verb = message.split(" ", 1)[0];
    return `${verb} ${VARYING.reduce((m, [re, to]) => m.replace(re, to), message.replace(SUBJECT, ""))}`;
}

/** Failures grouped by cause, in first-seen order. */
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

/** The cause to its first `.` or `:` outside parentheses. */
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

/** `<verb> <what> (<which>)`. */
function subjectOf(message: string): string {
    const m = SUBJECT.exec(message);
    return m ? m[0].slice(0, -2) : message.split("\n")[0];
}

/** The causes a run has told whole, and by whom. */
export class Causes {
    private readonly told = new Map<string, string>();

    clear(): void {
        this.told.clear();
    }

    /** Who told `key` whole; undefined when `subject` does. */
    teller(key: string, subject: string): string | undefined {
        const first = this.told.get(key);
        if (first === undefined) this.told.set(key, subject);
        return first === subject ? undefined : first;
    }

    tell(message: string): string {
        const subject = subjectOf(message);
        const first = this.teller(causeOf(message), subject);
        return first === undefined ? message : `${subject}: ${gist(message)}: ${sameAs(first)}`;
    }

    /** A partial failure keeps its ID and properties. */
    error(err: unknown): unknown {
        if (!isAuthorizationError(err)) return err;
        const message = this.tell(err.message);
        if (message === err.message) return err;
        const e: AuthorizationError = operationError(message, err.code);
        if (err.id !== undefined) Object.assign(e, { id: err.id, properties: err.properties, reasons: [message] });
        return e;
    }
}

export function sameAs(teller: string): string {
    return `the same cause as for ${teller}, whose message says it whole and what to do.`;
}
