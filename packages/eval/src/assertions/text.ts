// Short, quoted renderings of values for one-line reasons.
const LIMIT = 80;

export const quote = (text: string): string => {
  const flat = text.replace(/\s+/g, " ");
  return JSON.stringify(flat.length > LIMIT ? `${flat.slice(0, LIMIT - 1)}…` : flat);
};
