/**
 * The slice of @xmldom/xmldom that io.ts uses, typed here because the package's own
 * declarations pull the whole DOM lib into the program (`/// <reference lib="dom" />`),
 * which would let browser globals type-check in the pure layers.
 */
declare module "@xmldom/xmldom/lib/dom-parser.js" {
  /** An element, with the source position xmldom records when a locator is given. */
  export interface XmlElement {
    readonly tagName: string;
    readonly localName: string | null;
    getAttribute(name: string): string | null;
    readonly lineNumber?: number;
    readonly columnNumber?: number;
  }

  export interface XmlElementList {
    readonly length: number;
    readonly [index: number]: XmlElement;
  }

  export interface XmlDocument {
    readonly documentElement: XmlElement | null;
    getElementsByTagName(name: string): XmlElementList;
  }

  export interface DOMParserOptions {
    /** an object xmldom fills with the current line and column while parsing */
    locator?: object;
    errorHandler?: {
      warning?: (message: string) => void;
      error?: (message: string) => void;
      fatalError?: (message: string) => void;
    };
  }

  export class DOMParser {
    constructor(options?: DOMParserOptions);
    parseFromString(source: string, mimeType: string): XmlDocument;
  }
}
