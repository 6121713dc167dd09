// A small XML 1.0 well-formedness checker for the JUnit tests (no XML parser is a dependency): one
// root, balanced tags, quoted attributes without raw < or &, entities only from the predefined five
// or character references, no characters XML forbids. Returns the problems found and the elements.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: Array<XmlElement>;
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting forbidden characters
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const decodeEntities = (text: string): string =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

const checkText = (text: string, where: string, problems: Array<string>): void => {
  if (FORBIDDEN.test(text)) problems.push(`forbidden character in ${where}`);
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "<") problems.push(`raw < in ${where}`);
    if (text[i] === "&") {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(text)) problems.push(`raw & in ${where}`);
    }
  }
};

export const parseXml = (xml: string): { readonly problems: Array<string>; readonly root: XmlElement | undefined } => {
  const problems: Array<string> = [];
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  if (rest.length === xml.length) problems.push("no XML declaration");
  const stack: Array<XmlElement> = [];
  let root: XmlElement | undefined;
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/;
  while (rest.length > 0) {
    const next = rest.indexOf("<");
    const text = next === -1 ? rest : rest.slice(0, next);
    if (text.length > 0) {
      if (stack.length === 0) {
        if (text.trim() !== "") problems.push("text outside the root element");
      } else {
        checkText(text, `<${stack.at(-1)!.name}> text`, problems);
        stack.at(-1)!.text += decodeEntities(text);
      }
    }
    if (next === -1) break;
    rest = rest.slice(next);
    const match = tag.exec(rest);
    if (!match) {
      problems.push(`malformed tag at ${JSON.stringify(rest.slice(0, 40))}`);
      break;
    }
    const [whole, closing, name, attributeText, selfClosing] = match;
    rest = rest.slice(whole.length);
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) problems.push(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (key! in attributes) problems.push(`duplicate attribute ${key}`);
      checkText(value!, `attribute ${key}`, problems);
      attributes[key!] = decodeEntities(value!);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: "" };
    if (stack.length === 0) {
      if (root !== undefined) problems.push("more than one root element");
      root = element;
    } else {
      stack.at(-1)!.children.push(element);
    }
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.at(-1)!.name}>`);
  return { problems, root };
};
