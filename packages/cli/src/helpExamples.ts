// The examples `--help` shows, per command, as they work in a checkout of this repository. A command
// without an entry shows none.

export const TOP_EXAMPLES: ReadonlyArray<string> = [
  'consortium run research "What causes the seasons on Earth?"',
  'consortium run -m openai/gpt-4.1-mini:2 -m anthropic/claude-haiku-4-5 --arbiter openai/gpt-4.1 "Is P = NP?"',
  "consortium eval examples/eval/suite.yaml --replay examples/eval/suite.cassette.jsonl",
  "consortium runs --limit 5"
];

export const EXAMPLES: Readonly<Record<string, ReadonlyArray<string>>> = {
  run: [
    'consortium run research "What causes the seasons on Earth?"',
    'consortium run research "…" --json | jq .synthesis.confidence',
    'consortium run -m openai/gpt-4.1-mini:2 -m claude-haiku-4-5 --arbiter gpt-4.1 "Is P = NP?"',
    'git diff | consortium run reviewers "Review this change" --raw'
  ],
  save: [
    "consortium save quick -m openai/gpt-4.1-mini:2 -m claude-haiku-4-5 --arbiter gpt-4.1",
    'consortium run quick "What causes the seasons on Earth?"'
  ],
  eval: [
    "consortium eval examples/eval/suite.yaml --replay examples/eval/suite.cassette.jsonl",
    "consortium eval suite.yaml --record suite.cassette.jsonl",
    "consortium eval suite.yaml --shard 1/4 --junit junit.xml -o report.json"
  ],
  runs: ["consortium runs", "consortium runs --limit 5 --json"],
  show: ["consortium show 01J9Z3", "consortium show 01J9Z3 --json | jq .iterations"],
  validate: ["consortium validate consortia/*.yaml examples/suites/*.yaml"],
  schema: ["consortium schema > consortium.schema.json", "consortium schema suite"],
  list: ["consortium list", "consortium list --json"]
};
