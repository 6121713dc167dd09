/** Stored JSON is ours, but a hand-edited database should still display rather than crash `show`. */
export const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
