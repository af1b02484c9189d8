/**
 * One open document as the server knows it: its text, the front end's result (parse, check and plan, the same
 * `checkSource` as `sgm check`) and the names in it. Built in one call per version; the server debounces edits,
 * so a burst of keystrokes is checked once.
 */
import { checkSource, type FrontEndResult } from '../compiler/pipeline.js';
import { occurrences, type Occurrence } from './symbols.js';

/** What the server holds per open document. */
export interface DocumentState {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly result: FrontEndResult;
  readonly occurrences: readonly Occurrence[];
}

/** Checks a document's text. */
export function analyzeDocument(uri: string, version: number, text: string): DocumentState {
  const result = checkSource(displayPath(uri), text);
  return { uri, version, text, result, occurrences: occurrences(result.program) };
}

/** A path for messages: the file path of a file: URI, else the URI. */
export function displayPath(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
