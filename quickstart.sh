#!/usr/bin/env bash
# One command from a fresh clone to a consortium run: installs pnpm and the dependencies, builds the
# CLI, then runs the research consortium. With OPENAI_API_KEY and ANTHROPIC_API_KEY set it asks the real
# models; without them it runs the same CLI against the bundled fake LLM server, so you see it work.
set -euo pipefail
cd "$(dirname "$0")"
prompt=${1:-"What causes the seasons on Earth?"}

if ! command -v pnpm >/dev/null || [[ $(pnpm --version) != 12.21.0 ]]; then
  npm install -g pnpm@12.21.0
fi
# node-gyp builds better-sqlite3 against the installed Node headers instead of downloading them
if [[ -z ${npm_config_nodedir:-} && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
pnpm install --frozen-lockfile
pnpm build

if [[ -z ${OPENAI_API_KEY:-} || -z ${ANTHROPIC_API_KEY:-} ]]; then
  echo "quickstart: no OPENAI_API_KEY / ANTHROPIC_API_KEY set: running against the local fake LLM server" >&2
fi
# records the run in .consortium/quickstart.db (git-ignored) and ends with three commands to try next
exec node scripts/demo.mjs "$prompt"
