// The relative links of a Markdown document, and which of them point nowhere: a file that does
// not exist, or a path outside the repository (a fork has nothing there).
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

/** One relative link or path mention in a document. */
export interface MarkdownLink {
  /** The target as written, anchor included. @example "docs/gateway.md#metrics" */
  target: string;
  /** The line it is on, from 1. */
  line: number;
}

const inlineLink = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const referenceDefinition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/;
const inlineCode = /`([^`\n]+)`/g;
const scheme = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Every relative link target (`[text](path)`, `![alt](path)`, `[name]: path`) outside fenced code
 * blocks, plus every inline-code span that starts with `../` (a path mentioned, not linked).
 */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s{0,3}(```|~~~)/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const line = index + 1;
    const withoutCode = text.replace(inlineCode, (_match, code: string) => {
      if (code.startsWith("../")) links.push({ target: code, line });
      return "";
    });
    for (const match of withoutCode.matchAll(inlineLink)) {
      links.push({ target: match[1] ?? "", line });
    }
    const definition = referenceDefinition.exec(withoutCode);
    if (definition) links.push({ target: definition[1] ?? "", line });
  });
  return links.filter(
    (link) => link.target !== "" && !link.target.startsWith("#") && !scheme.test(link.target),
  );
}

/** The links of `document` (a file under `root`) that are missing or outside `root`, described. */
export function brokenLinks(root: string, document: string, markdown: string): string[] {
  return relativeLinks(markdown).flatMap((link) => {
    const path = decodeURIComponent(link.target.replace(/[#?].*$/, ""));
    const target = resolve(dirname(document), path);
    const inside = relative(root, target);
    if (inside.startsWith("..") || isAbsolute(inside) || isAbsolute(path)) {
      return [`line ${link.line}: ${link.target} is outside the repository`];
    }
    return existsSync(target) ? [] : [`line ${link.line}: ${link.target} does not exist`];
  });
}
