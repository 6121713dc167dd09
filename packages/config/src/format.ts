import type { ConfigError, Issue } from "./errors.js";

// The one place an issue becomes text: `file:line:col: /json/path message`. The CLI and every other
// reporter call this, so the format stays the same everywhere.

export const formatIssue = (issue: Issue): string => {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const what = issue.path === "" ? issue.message : `${issue.path} ${issue.message}`;
  return `${where}: ${what}`;
};

/** Every issue of the error, one per line. */
export const formatConfigError = (error: ConfigError): string =>
  error.issues.length === 0 ? `${error.file}: invalid` : error.issues.map(formatIssue).join("\n");
