// A finished text cut into pieces of a few words, for whoever streams it (the server's SSE chunks, a
// terminal). Joined, the pieces are the text exactly: each ends just before a word starts, so white
// space stays where it was.

export const textPieces = (text: string, wordsPerPiece = 4): Array<string> => {
  const words = text.split(/(?<=\s)(?=\S)/);
  const out: Array<string> = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) out.push(words.slice(i, i + wordsPerPiece).join(""));
  return out.filter((piece) => piece.length > 0);
};
