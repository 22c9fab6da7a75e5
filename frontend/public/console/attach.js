// The reply box's image button: the agent's image goes to POST /api/conversations/{id}/attachments as
// it is (the server checks its type by its bytes); it then arrives in the transcript like any reply.
const $ = (sel) => document.querySelector(sel);

export function wireAttach(selected) {
  const file = $('#attach-file');
  $('#attach').addEventListener('click', () => {
    if ($('#reply').disabled) { $('#action-error').textContent = 'Take the conversation over to send an image.'; return; }
    file.click();
  });
  file.addEventListener('change', async () => {
    const image = file.files[0];
    file.value = '';
    if (!image || !selected()) return;
    const r = await fetch(`/api/conversations/${encodeURIComponent(selected())}/attachments`, { method: 'POST', body: image })
      .catch(() => null);
    if (!r) $('#action-error').textContent = 'Not connected; try again in a moment.';
    else if (!r.ok) $('#action-error').textContent = (await r.json().catch(() => ({}))).detail || `Not sent (HTTP ${r.status}).`;
    else $('#action-error').textContent = '';
  });
}
