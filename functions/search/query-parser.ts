import { DateSyntaxError, parseDateRange } from "./query-dates";

/**
 * The search query language, modelled on lore.kernel.org (public-inbox):
 *
 *   words              kgdb breakpoint          every word must match (implicit AND)
 *   phrases            "serial console"
 *   prefix wildcard    kgdbo*                   a word starting with kgdbo
 *   operators          AND, OR, NOT (upper case), -word, (grouping)
 *   field prefixes     s: subject, f: from (name or address), b: body, t: To, c: Cc,
 *                      a: any of From/To/Cc, m: Message-ID,
 *                      d: date range (d:20240101..20240630, d:2024-01-01.., d:..2.weeks.ago),
 *                      dfn: file name touched by a patch (dfn:kgdboc.c, dfn:drivers/tty/serial),
 *                      and the rest of lore's (bs: nq: q: dt: rt: dfa: dfb: mid: patchid:): QUERY_PREFIXES
 *                      is the one table of them all, the help page prints it.
 *                      s:(a OR b) applies the field to every word of the group.
 *
 * Precedence, loosest first: OR, then AND (explicit or implicit), then NOT/-. Lower-case and/or/not
 * are ordinary words. Bad syntax throws QuerySyntaxError with a 0-based character position.
 */

export type TextField =
  | "any"
  | "subject"
  | "from"
  | "body"
  | "to"
  | "cc"
  | "address"
  | "messageId"
  | "subjectBody"
  | "quoted"
  | "diffRemoved"
  | "diffAdded"
  | "patchId";

export type QueryNode =
  | { kind: "text"; field: TextField; value: string; phrase: boolean; prefix: boolean; position: number }
  | { kind: "date"; from: Date | null; to: Date | null; position: number }
  | { kind: "file"; path: string; position: number }
  | { kind: "and"; children: QueryNode[] }
  | { kind: "or"; children: QueryNode[] }
  | { kind: "not"; child: QueryNode };

export const QUERY_LIMITS = {
  /** Characters in `q`. */
  maxLength: 1000,
  /** Words, phrases, dates and file names in one query. */
  maxTerms: 32,
  /** Parentheses and NOTs nested inside one another. */
  maxDepth: 8,
  /**
   * Alternatives joined by OR, over the whole query. Each is an index scan of its own whose matches are
   * united: `e* OR a* OR s* OR t*` had the database read most of a list.
   */
  maxOrBranches: 16,
  /** Wildcard terms (kgdbo*) in one query: each expands to every indexed word it begins. */
  maxPrefixTerms: 4,
  /** Letters or digits before a wildcard's star: `e*` expands to a tenth of the dictionary. */
  minPrefixChars: 3,
} as const;

/** Bad query syntax: `position` is the 0-based character offset in the query where the problem is. */
export class QuerySyntaxError extends Error {
  override readonly name = "QuerySyntaxError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type PrefixTarget = TextField | "date" | "file";

/**
 * Every prefix the language knows, with what it searches and its help line: the parser reads this table and
 * `/:list/_/text/help/` prints it, so the two cannot drift. Names and wording follow public-inbox's own
 * (PublicInbox::Search @HELP); where Nexus answers differently the line says so.
 */
export const QUERY_PREFIXES: readonly { name: string; target: PrefixTarget; help: string }[] = [
  { name: "s", target: "subject", help: 'match within Subject  e.g. s:"a quick brown fox"' },
  {
    name: "d",
    target: "date",
    help: "match date-time range (UTC): d:20240101..20240630, d:2024-01.., d:..2.weeks.ago, d:yesterday..",
  },
  { name: "dt", target: "date", help: "match date-time range, YYYYMMDDHHMMSS format (as d:)" },
  { name: "rt", target: "date", help: "match received time; Nexus keeps the Date header, so the same as d:" },
  {
    name: "b",
    target: "body",
    help: "match within message body, without quoted text, signature and diff hunks",
  },
  { name: "nq", target: "body", help: "match non-quoted text within message body (as b:)" },
  { name: "q", target: "quoted", help: "match quoted text within message body" },
  { name: "bs", target: "subjectBody", help: "match within the Subject and body" },
  { name: "f", target: "from", help: "match within the From header (name or address)" },
  { name: "t", target: "to", help: "match within the To header" },
  { name: "c", target: "cc", help: "match within the Cc header" },
  { name: "a", target: "address", help: "match within the To, Cc, and From headers" },
  { name: "m", target: "messageId", help: "match the Message-ID (exact)" },
  { name: "mid", target: "messageId", help: "match the Message-ID (exact, as m:)" },
  {
    name: "dfn",
    target: "file",
    help: "match filename from diff  e.g. dfn:kgdboc.c, dfn:drivers/tty/serial",
  },
  { name: "dfa", target: "diffRemoved", help: "match diff removed (-) lines" },
  { name: "dfb", target: "diffAdded", help: "match diff added (+) lines" },
  { name: "patchid", target: "patchId", help: "match `git patch-id --stable' output" },
];

const FIELD_PREFIXES = new Map(QUERY_PREFIXES.map((p) => [p.name, p.target]));

/** lore prefixes we do not serve: refuse them by name rather than silently searching "t:foo" as text. */
const UNSUPPORTED_PREFIXES = new Set([
  "tc",
  "tcf",
  "l",
  "lid",
  "n",
  "z",
  "dfhh",
  "dfctx",
  "dfpre",
  "dfpost",
  "dfblob",
]);

const SUPPORTED_LIST = QUERY_PREFIXES.map((p) => `${p.name}:`).join(" ");

type Token =
  | { type: "word"; value: string; position: number }
  | { type: "phrase"; value: string; position: number }
  | { type: "field"; field: PrefixTarget; name: string; position: number }
  | { type: "lparen" | "rparen" | "and" | "or" | "not" | "neg"; position: number };

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const WORD_STOP = /[\s()"]/u;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ type: ch === "(" ? "lparen" : "rparen", position: i });
      i++;
      continue;
    }
    if (ch === '"') {
      const close = input.indexOf('"', i + 1);
      if (close === -1) throw new QuerySyntaxError("this quote is never closed", i);
      tokens.push({ type: "phrase", value: input.slice(i + 1, close), position: i });
      i = close + 1;
      continue;
    }
    let start = i;
    while (i < input.length && !WORD_STOP.test(input[i]!)) i++;
    let chunk = input.slice(start, i);
    // A leading - (or +) marks the next term; inside a word (foo-bar) it is part of the word.
    if (chunk[0] === "-" || chunk[0] === "+") {
      const sign = chunk[0];
      chunk = chunk.slice(1);
      start++;
      if (sign === "-" && (chunk !== "" || input[i] === "(" || input[i] === '"')) {
        tokens.push({ type: "neg", position: start - 1 });
      }
      if (chunk === "") continue;
    }
    if (chunk === "AND" || chunk === "OR" || chunk === "NOT") {
      tokens.push({ type: chunk === "AND" ? "and" : chunk === "OR" ? "or" : "not", position: start });
      continue;
    }
    const prefixed = /^([a-z]+):/.exec(chunk);
    if (prefixed) {
      const name = prefixed[1]!;
      const field = FIELD_PREFIXES.get(name);
      if (field) {
        tokens.push({ type: "field", field, name, position: start });
        const rest = chunk.slice(name.length + 1);
        if (rest !== "") tokens.push({ type: "word", value: rest, position: start + name.length + 1 });
        else if (input[i] !== '"' && input[i] !== "(") {
          throw new QuerySyntaxError(`${name}: needs a value right after the colon`, start);
        }
        continue;
      }
      if (UNSUPPORTED_PREFIXES.has(name)) {
        throw new QuerySyntaxError(
          `the prefix ${name}: is not supported; supported prefixes are ${SUPPORTED_LIST}`,
          start,
        );
      }
    }
    tokens.push({ type: "word", value: chunk, position: start });
  }
  return tokens;
}

const DESCRIBE: Record<Token["type"], string> = {
  word: "a word",
  phrase: "a phrase",
  field: "a prefix",
  lparen: '"("',
  rparen: '")"',
  and: "AND",
  or: "OR",
  not: "NOT",
  neg: '"-"',
};

class Parser {
  private index = 0;
  private terms = 0;
  private orBranches = 0;
  private prefixTerms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly inputLength: number,
    private readonly now: Date,
  ) {}

  parse(): QueryNode | null {
    const node = this.parseOr("any", 0);
    const extra = this.peek();
    if (extra) {
      // The only way parseOr stops early is an unmatched ")".
      throw new QuerySyntaxError('this ")" has no matching "("', extra.position);
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token | undefined {
    return this.tokens[this.index++];
  }

  private parseOr(field: TextField, depth: number): QueryNode | null {
    const children: QueryNode[] = [];
    for (;;) {
      const node = this.parseAnd(field, depth);
      if (node) children.push(node);
      const token = this.peek();
      if (token?.type !== "or") break;
      this.index++;
      // the alternatives so far and the one after this OR
      this.orBranches += children.length === 1 ? 2 : 1;
      if (this.orBranches > QUERY_LIMITS.maxOrBranches) {
        throw new QuerySyntaxError(
          `too many alternatives joined by OR (at most ${QUERY_LIMITS.maxOrBranches} in a query)`,
          token.position,
        );
      }
      if (!this.startsTerm(this.peek())) {
        throw new QuerySyntaxError("OR needs a term after it", token.position);
      }
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { kind: "or", children };
  }

  private startsTerm(token: Token | undefined): boolean {
    return (
      token !== undefined &&
      (token.type === "word" ||
        token.type === "phrase" ||
        token.type === "field" ||
        token.type === "lparen" ||
        token.type === "not" ||
        token.type === "neg")
    );
  }

  private parseAnd(field: TextField, depth: number): QueryNode | null {
    const first = this.peek();
    if (!this.startsTerm(first)) {
      if (first === undefined) throw new QuerySyntaxError("expected a term here", this.inputLength);
      throw new QuerySyntaxError(`expected a term, found ${DESCRIBE[first.type]}`, first.position);
    }
    const children: QueryNode[] = [];
    for (;;) {
      const node = this.parseUnary(field, depth);
      if (node) children.push(node);
      const token = this.peek();
      if (token?.type === "and") {
        this.index++;
        if (!this.startsTerm(this.peek())) {
          throw new QuerySyntaxError("AND needs a term after it", token.position);
        }
        continue;
      }
      if (!this.startsTerm(token)) break;
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { kind: "and", children };
  }

  private parseUnary(field: TextField, depth: number): QueryNode | null {
    const token = this.peek()!;
    if (token.type === "not" || token.type === "neg") {
      this.index++;
      if (depth + 1 > QUERY_LIMITS.maxDepth) {
        throw new QuerySyntaxError(`nested more than ${QUERY_LIMITS.maxDepth} levels deep`, token.position);
      }
      if (!this.startsTerm(this.peek())) {
        const what = token.type === "not" ? "NOT" : '"-"';
        throw new QuerySyntaxError(`${what} needs a term after it`, token.position);
      }
      const child = this.parseUnary(field, depth + 1);
      return child ? { kind: "not", child } : null;
    }
    return this.parsePrimary(field, depth);
  }

  private parsePrimary(field: TextField, depth: number): QueryNode | null {
    const token = this.next()!;
    switch (token.type) {
      case "lparen":
        return this.parseGroup(token.position, field, depth);
      case "word":
      case "phrase":
        return this.textTerm(field, token);
      case "field":
        return this.fieldTerm(token, depth);
      default:
        throw new QuerySyntaxError(`expected a term, found ${DESCRIBE[token.type]}`, token.position);
    }
  }

  private parseGroup(open: number, field: TextField, depth: number): QueryNode | null {
    if (depth + 1 > QUERY_LIMITS.maxDepth) {
      throw new QuerySyntaxError(`nested more than ${QUERY_LIMITS.maxDepth} levels deep`, open);
    }
    if (this.peek()?.type === "rparen") throw new QuerySyntaxError("empty parentheses", open);
    if (this.peek() === undefined) throw new QuerySyntaxError('this "(" is never closed', open);
    const inner = this.parseOr(field, depth + 1);
    const close = this.next();
    if (close?.type !== "rparen") throw new QuerySyntaxError('this "(" is never closed', open);
    return inner;
  }

  private countTerm(position: number): void {
    this.terms++;
    if (this.terms > QUERY_LIMITS.maxTerms) {
      throw new QuerySyntaxError(`too many terms (at most ${QUERY_LIMITS.maxTerms})`, position);
    }
  }

  private textTerm(field: TextField, token: { type: "word" | "phrase"; value: string; position: number }) {
    const phrase = token.type === "phrase";
    let value = token.value.trim();
    // kgdbo* → prefix match on one word; only letters and digits may precede the star.
    const prefix = !phrase && /^[\p{L}\p{N}_]+\*$/u.test(value);
    if (prefix) value = value.slice(0, -1);
    // A term with no letter or digit ("&", "--") would compile to an empty tsquery: ignore it.
    if (!HAS_WORD_CHAR.test(value)) return null;
    this.countTerm(token.position);
    if (prefix) {
      if ([...value].length < QUERY_LIMITS.minPrefixChars) {
        throw new QuerySyntaxError(
          `a wildcard needs at least ${QUERY_LIMITS.minPrefixChars} letters or digits before the *`,
          token.position,
        );
      }
      if (++this.prefixTerms > QUERY_LIMITS.maxPrefixTerms) {
        throw new QuerySyntaxError(
          `too many wildcard terms (at most ${QUERY_LIMITS.maxPrefixTerms} in a query)`,
          token.position,
        );
      }
    }
    return { kind: "text", field, value, phrase, prefix, position: token.position } satisfies QueryNode;
  }

  private fieldTerm(token: Extract<Token, { type: "field" }>, depth: number): QueryNode | null {
    const operand = this.peek();
    if (operand?.type === "lparen") {
      if (token.field === "date" || token.field === "file") {
        throw new QuerySyntaxError(`${token.name}: takes one value, not a group`, operand.position);
      }
      this.index++;
      return this.parseGroup(operand.position, token.field, depth);
    }
    if (operand?.type !== "word" && operand?.type !== "phrase") {
      throw new QuerySyntaxError(`${token.name}: needs a value right after the colon`, token.position);
    }
    this.index++;
    if (token.field === "date") {
      this.countTerm(operand.position);
      try {
        const range = parseDateRange(operand.value, this.now);
        return { kind: "date", from: range.from, to: range.to, position: token.position };
      } catch (error) {
        if (error instanceof DateSyntaxError) {
          throw new QuerySyntaxError(`${token.name}: ${error.message}`, operand.position + error.offset);
        }
        throw error;
      }
    }
    if (token.field === "file") {
      const path = operand.value.trim();
      if (path === "") throw new QuerySyntaxError("dfn: needs a file name", operand.position);
      if (path.length > 256) throw new QuerySyntaxError("dfn: file name is too long", operand.position);
      this.countTerm(operand.position);
      return { kind: "file", path, position: token.position };
    }
    return this.textTerm(token.field, operand);
  }
}

export interface ParseOptions {
  /** The clock for relative dates (d:2.weeks.ago..); tests pass a fixed one. */
  now?: Date;
}

/** Parse `q` into an AST. Throws QuerySyntaxError on bad syntax or when the query exceeds QUERY_LIMITS. */
export function parseQuery(input: string, options: ParseOptions = {}): QueryNode {
  if (input.length > QUERY_LIMITS.maxLength) {
    throw new QuerySyntaxError(
      `the query is ${input.length} characters long; at most ${QUERY_LIMITS.maxLength} are allowed`,
      QUERY_LIMITS.maxLength,
    );
  }
  // NUL cannot travel to Postgres in a text parameter.
  const nul = input.indexOf("\u0000");
  if (nul !== -1) throw new QuerySyntaxError("the query contains a NUL character", nul);
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new QuerySyntaxError("the query is empty", 0);
  const node = new Parser(tokens, input.length, options.now ?? new Date()).parse();
  if (!node) throw new QuerySyntaxError("the query has nothing to search for (no letters or digits)", 0);
  return node;
}

/** Render an AST back as query text (normalised): for logs, tests and `meta.query`. */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case "text": {
      const prefix = {
        any: "",
        subject: "s:",
        from: "f:",
        body: "b:",
        to: "t:",
        cc: "c:",
        address: "a:",
        messageId: "m:",
        subjectBody: "bs:",
        quoted: "q:",
        diffRemoved: "dfa:",
        diffAdded: "dfb:",
        patchId: "patchid:",
      }[node.field];
      const value = node.phrase ? `"${node.value}"` : node.prefix ? `${node.value}*` : node.value;
      return prefix + value;
    }
    case "date": {
      const day = (d: Date | null) => (d ? d.toISOString() : "");
      return `d:${day(node.from)}..${day(node.to)}`;
    }
    case "file":
      return `dfn:${node.path}`;
    case "not":
      return `NOT ${wrap(node.child)}`;
    case "and":
      return node.children.map(wrap).join(" AND ");
    case "or":
      return node.children.map(wrap).join(" OR ");
  }
}

function wrap(node: QueryNode): string {
  return node.kind === "and" || node.kind === "or" ? `(${formatQuery(node)})` : formatQuery(node);
}
