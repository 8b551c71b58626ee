/**
 * How a template or plan writes what the loader gave placeholder values (values.ts): a resource's
 * ARN as a reference to it (`${ReplicationRole.Arn}`, `${aws_iam_role.replication.arn}`), the
 * account and Region as the format's own expressions. Applied to the messages and fixes of the
 * file's findings (SourceFile.render), so a fix can be pasted.
 */
import { PLACEHOLDER } from '../values.js';

/** Characters that continue a name in an ARN: a match followed by one is part of a longer name. */
const NAME = /[A-Za-z0-9_+=,.@-]/;

export class Renderer {
  readonly #refs = new Map<string, string>();
  #sorted: [string, string][] | undefined;
  constructor(
    private readonly account: string,
    private readonly region: string,
  ) {}

  /** `value` (a placeholder ARN) is written `reference` in the file. */
  add(value: string, reference: string): void {
    if (!this.#refs.has(value)) {
      this.#refs.set(value, reference);
      this.#sorted = undefined;
    }
  }

  readonly render = (text: string): string => {
    if (!text.includes(PLACEHOLDER.account) && !text.includes(PLACEHOLDER.region)) return text;
    // Longest first: a bucket's ARN is a prefix of its tables' ARNs.
    this.#sorted ??= [...this.#refs].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [value, reference] of this.#sorted) out = replaceWhole(out, value, reference);
    return out.split(PLACEHOLDER.account).join(this.account).split(PLACEHOLDER.region).join(this.region);
  };
}

function replaceWhole(text: string, value: string, reference: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const at = text.indexOf(value, from);
    if (at === -1) return out + text.slice(from);
    const next = text[at + value.length];
    const whole = next === undefined || !NAME.test(next);
    out += text.slice(from, at) + (whole ? reference : value);
    from = at + value.length;
  }
}
