// The console's shell: the navigation and a hash router (#/streams, #/streams/NAME, #/records?..., #/functions,
// #/functions/NAME, #/triggers/UUID, #/failed). Each page lives in its own module.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Field, html } from './ui.mjs';
import { redeemLogin } from './api.mjs';
import { credentials, saveCredentials } from './sigv4.mjs';
import { StreamsPage, StreamPage } from './streams.mjs';
import { RecordsPage } from './records.mjs';
import { FunctionsPage, FunctionPage } from './functions.mjs';
import { TriggerPage } from './triggers.mjs';
import { FailedPage } from './failed.mjs';

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/streams';
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query) };
}

const NAV = [
  ['streams', 'Streams'],
  ['records', 'Records'],
  ['functions', 'Functions'],
  ['failed', 'Failed batches'],
];

function Page({ route }) {
  const [section, name] = route.parts;
  switch (section) {
    case 'streams':
      return name ? html`<${StreamPage} name=${name} />` : html`<${StreamsPage} />`;
    case 'records':
      return html`<${RecordsPage} query=${route.query} />`;
    case 'functions':
      return name ? html`<${FunctionPage} name=${name} />` : html`<${FunctionsPage} />`;
    case 'triggers':
      return html`<${TriggerPage} uuid=${name} />`;
    case 'failed':
      return html`<${FailedPage} />`;
    default:
      return html`<p>No such page. <a href="#/streams">Streams</a></p>`;
  }
}

/**
 * A one-time sign-in link (`#login=TOKEN`, printed by `tributary up` or `tributary console-link`): the token leaves
 * the address bar and the history at once, is exchanged (once) for temporary credentials, and the tab signs with
 * them from then on. Answers the error that refused it, if any.
 */
async function signInFromLink() {
  const m = /^#login=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/streams`);
  try {
    saveCredentials(await redeemLogin(m[1]));
    return undefined;
  } catch (error) {
    return error;
  }
}

const until = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The keys of a server that checks signatures, kept in this tab only (sessionStorage). */
function Credentials() {
  const saved = credentials();
  const [open, setOpen] = useState(false);
  // A session from a sign-in link is not edited here: the form starts empty, for a key pair instead.
  const blank = { accessKeyId: '', secretAccessKey: '', region: saved?.region ?? 'us-east-1' };
  const [c, setC] = useState(saved && !saved.sessionToken ? saved : blank);
  const set = (k) => (e) => setC({ ...c, [k]: e.target.value });
  const save = (value) => {
    saveCredentials(value);
    location.reload();
  };
  // The form opens on its first field; Escape closes it, back to its button.
  const button = useRef(null);
  const form = useRef(null);
  useEffect(() => {
    if (open) form.current?.querySelector('input')?.focus();
  }, [open]);
  const onKeyDown = (e) => {
    if (e.key !== 'Escape') return;
    setOpen(false);
    button.current?.focus();
  };
  return html`<div class="credentials">
    <button type="button" ref=${button} aria-expanded=${open} onClick=${() => setOpen(!open)}>
      ${
        saved?.sessionToken
          ? `Signed in by link until ${until(saved.expiration)}`
          : saved
            ? `Signed as ${saved.accessKeyId}`
            : 'Credentials'
      }
    </button>
    ${
      open
        ? html`<form
            class="card popup"
            aria-label="Credentials"
            ref=${form}
            onKeyDown=${onKeyDown}
            onSubmit=${(e) => (e.preventDefault(), save(c))}
          >
            <p class="muted">
              For a server that checks signatures: requests are signed with these (kept in this tab only).
            </p>
            <${Field} label="Access key ID"
              ><input name="access-key-id" required value=${c.accessKeyId} onInput=${set('accessKeyId')}
            /><//>
            <${Field} label="Secret access key"
              ><input
                name="secret-access-key"
                type="password"
                required
                value=${c.secretAccessKey}
                onInput=${set('secretAccessKey')}
            /><//>
            <${Field} label="Region"
              ><input name="region" required value=${c.region} onInput=${set('region')}
            /><//>
            <button type="submit">Save</button>
            ${saved ? html` <button type="button" onClick=${() => save(undefined)}>Forget</button>` : null}
          </form>`
        : null
    }
  </div>`;
}

function App({ loginError: initialError }) {
  const [route, setRoute] = useState(parseHash());
  const [loginError, setLoginError] = useState(initialError);
  useEffect(() => {
    const on = () => {
      // A sign-in link opened in this tab (the way back once its session expired): the tab starts over with it.
      if (location.hash.startsWith('#login=')) {
        void signInFromLink().then((error) => (error ? setLoginError(error) : location.reload()));
        return;
      }
      setRoute(parseHash());
      // Keyboard users land on the new page's heading.
      requestAnimationFrame(() => document.querySelector('main h1')?.focus());
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const section = route.parts[0] === 'triggers' ? 'functions' : route.parts[0];
  return html`
    <a
      class="skip"
      href="#main"
      onClick=${(e) => {
        e.preventDefault();
        document.querySelector('main h1')?.focus();
      }}
      >Skip to content</a
    >
    <header class="top">
      <a class="brand" href="#/streams">Tributary</a>
      <nav aria-label="Sections">
        ${NAV.map(
          ([id, label]) =>
            html`<a href=${`#/${id}`} aria-current=${section === id ? 'page' : undefined}>${label}</a>`,
        )}
      </nav>
      <span class="muted version">v${document.body.dataset.version}</span>
      <${Credentials} />
    </header>
    <main id="main">
      <${ErrorBox} error=${loginError} />
      <${Page} route=${route} key=${location.hash} />
    </main>
  `;
}

const loginError = await signInFromLink();
const root = document.getElementById('app');
root.textContent = ''; // the "Loading" placeholder
render(html`<${App} loginError=${loginError} />`, root);
