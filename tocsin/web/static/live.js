// Live updates without reload (server-sent events): when the crisis changes, the page is
// fetched again and its status and timeline are replaced; the draft too when the person has
// not started to write in it, else a notice offers to reload. Without JavaScript the page
// works the same, reloaded by hand.
(() => {
  const live = document.getElementById('live');
  if (!live || !('EventSource' in window)) return;
  let touched = false;
  document.addEventListener('input', () => { touched = true; });
  const swap = (fresh, id) => {
    const now = document.getElementById(id);
    const next = fresh.getElementById(id);
    if (now && next) now.replaceWith(document.adoptNode(next));
  };
  const source = new EventSource(live.dataset.live);
  source.addEventListener('changed', async (event) => {
    if (event.data === live.dataset.fingerprint) return;
    const reply = await fetch(window.location.pathname, { credentials: 'same-origin' });
    if (!reply.ok) return;
    const fresh = new DOMParser().parseFromString(await reply.text(), 'text/html');
    const next = fresh.getElementById('live');
    if (!next) return;
    live.dataset.fingerprint = next.dataset.fingerprint;
    swap(fresh, 'status');
    swap(fresh, 'timeline');
    const draft = document.getElementById('draft');
    const nextDraft = fresh.getElementById('draft');
    const sameRevision = draft && nextDraft && draft.dataset.revision === nextDraft.dataset.revision;
    if (sameRevision) return;
    if (touched && draft) {
      document.getElementById('stale').hidden = false;
    } else if (draft && nextDraft) {
      swap(fresh, 'draft');
    } else if (draft && !nextDraft) {
      draft.remove();
    } else if (!draft && nextDraft) {
      document.getElementById('timeline').before(document.adoptNode(nextDraft));
    }
  });
  source.addEventListener('end', () => source.close());
})();
