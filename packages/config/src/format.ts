import type { ConfigError, Issue } from "./errors.js";
import { excerpt } from "./excerpt.js";

// The one place an issue becomes text: `file:line:col: /json/path message`. The CLI and every other
// reporter call this, so the format stays the same everywhere.

export const formatIssue = (issue: Issue): string => {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  // a path is made of the file's own keys, which may be anything a file holds
  const what = issue.path === "" ? issue.message : `${excerpt(issue.path, 120)} ${issue.message}`;
  return `${where}: ${what}`;
};

/** Every issue of the error, one per line. */
export const formatConfigError = (error: ConfigError): string =>
  error.issues.length === 0 ? `${error.file}: invalid` : error.issues.map(formatIssue).join("\n");
