import { LINE_TEST_WINDOW, RANK_WINDOW } from "../../db/queries/search";
import { QUERY_LIMITS, QUERY_PREFIXES } from "../search/query-parser";

/** `/:list/_/text/help/`: the search language in plain text, its prefixes printed from the parser's own table. */
export function searchHelp(list: string, mboxLimit: number): string {
  const width = Math.max(...QUERY_PREFIXES.map((p) => p.name.length)) + 3;
  const prefixes = QUERY_PREFIXES.map((p) => `  ${`${p.name}:`.padEnd(width)}${p.help}`).join("\n");
  return `search help for ${list}

Words must all match (AND is implied); "quoted phrases" match in order;
a word ending in * matches words starting with it (kgdbo*).
Combine with AND, OR, NOT (upper case), -word, and ( parentheses ).
A prefix applies to the word or "phrase" after it, or to a (group).

Prefixes:
${prefixes}

Date ranges: d:YYYYMMDD..YYYYMMDD, d:YYYY-MM-DD.., d:..2.weeks.ago, d:yesterday..
(an end date includes that whole day; UTC).

Limits: at most ${QUERY_LIMITS.maxLength} characters, ${QUERY_LIMITS.maxTerms} terms, ${QUERY_LIMITS.maxDepth} levels of nesting,\n${QUERY_LIMITS.maxOrBranches} alternatives joined by OR, ${QUERY_LIMITS.maxPrefixTerms} wildcards (each with at least ${QUERY_LIMITS.minPrefixChars} characters before\nthe *). When more than ${RANK_WINDOW} messages match, the newest ${RANK_WINDOW} are ranked (shared among\nwildcards; ${LINE_TEST_WINDOW} for q:, dfa: and dfb:, which read every line of each).

Forms of the results:
  GET  /${list}/?q=QUERY&x=A        Atom feed of the newest matches
  POST /${list}/?q=QUERY&x=m        gzipped mboxrd of the matches (at most ${mboxLimit})
  POST /${list}/?q=QUERY&x=m&t=1    the same with each match's whole thread
`;
}
