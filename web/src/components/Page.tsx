// The frame of every view: breadcrumbs, the one h1, the time banner and
// control, then the view's content or a plain message while it loads or
// when it failed. On navigation focus moves to the h1, so that keyboard and
// screen-reader users start reading the new view at its top.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiError, Meta } from '../api/client';
import type { Period } from '../api/types';
import { useApp, usePageMeta } from '../hooks';
import { useT } from '../i18n';
import { formatHash } from '../routes';
import { TimeBanner, TimeControl } from './TimeControl';

export interface Crumb {
  label: string;
  href?: string;
}

/** The view the page opened on keeps focus where the browser put it; only later views take it. */
let firstView = true;

export function Page(props: {
  title: string;
  crumbs: Crumb[];
  meta: Meta | null;
  period?: Period;
  loading: boolean;
  error: ApiError | null;
  /** Nothing to show: the thing did not exist at that moment. */
  missing?: string | false;
  children?: ComponentChildren;
}) {
  const t = useT();
  const { route } = useApp();
  const heading = useRef<HTMLHeadingElement>(null);
  const viewKey = formatHash({ view: route.view, lang: 'nb' });
  usePageMeta(props.meta);

  useEffect(() => {
    if (firstView) {
      firstView = false;
      return;
    }
    heading.current?.focus();
  }, [viewKey]);

  useEffect(() => {
    document.title = `${props.title} – Sporbar`;
  }, [props.title]);

  let body: ComponentChildren = props.children;
  if (props.error && !props.children) {
    body = (
      <p class="error-message" role="alert">
        {t(props.error.code === 'NETWORK' ? 'error.network' : 'error.load')}{' '}
        <span class="detail">{props.error.message}</span>
      </p>
    );
  } else if (props.missing) {
    body = <p class="notice">{props.missing}</p>;
  } else if (props.loading && !props.children) {
    body = (
      <p class="loading" aria-busy="true">
        {t('loading')}
      </p>
    );
  }

  return (
    <>
      {props.crumbs.length > 0 && (
        <nav aria-label={t('nav.breadcrumbs')} class="breadcrumbs">
          <ol>
            {props.crumbs.map((crumb, i) => (
              <li key={i}>{crumb.href ? <a href={crumb.href}>{crumb.label}</a> : <span>{crumb.label}</span>}</li>
            ))}
          </ol>
        </nav>
      )}
      <h1 ref={heading} tabIndex={-1}>
        {props.title}
      </h1>
      <TimeBanner meta={props.meta} />
      <TimeControl period={props.period} />
      {body}
    </>
  );
}
