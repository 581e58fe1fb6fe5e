// Every label of the page comes from one of three message files: bokmål
// (the default), nynorsk and English. Keys are dotted paths; `{name}` in a
// message is replaced by a parameter. A key with the suffixes `.one` and
// `.other` is chosen by the parameter `n`. A test checks that the three
// files have exactly the same keys.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang } from '../routes';
import nb from './nb.json';
import nn from './nn.json';
import en from './en.json';

export type Messages = Record<string, string>;
export const catalogs: Record<Lang, Messages> = { nb, nn, en };

export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

export function translate(lang: Lang, key: string, params: Params = {}): string {
  const messages = catalogs[lang];
  let message: string | undefined;
  if (typeof params.n === 'number') {
    message = messages[`${key}.${params.n === 1 ? 'one' : 'other'}`];
  }
  message ??= messages[key] ?? catalogs.nb[key];
  if (message === undefined) {
    // A missing key is a bug the completeness test catches; show the key
    // rather than nothing so that it is noticed.
    return key;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

export const LangContext = createContext<Lang>('nb');

/** The current language's translate function. */
export function useT(): Translate {
  return translator(useContext(LangContext));
}

export function useLang(): Lang {
  return useContext(LangContext);
}
