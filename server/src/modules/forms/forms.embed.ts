import { HONEYPOT } from './forms.schemas.ts';

interface EmbedField {
  name: string;
  label: string;
  type: string;
  required: boolean;
  options?: string[] | undefined;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A value placed inside an inline script: JSON, with `<` escaped so no `</script>` can close the tag. */
const scriptValue = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const inputTypes: Record<string, string> = { text: 'text', email: 'email', phone: 'tel', number: 'number' };

function control(field: EmbedField, id: string): string {
  const common = `id="${id}" name="${escapeHtml(field.name)}"${field.required ? ' required' : ''}`;
  if (field.type === 'textarea') return `<textarea ${common} rows="4"></textarea>`;
  if (field.type === 'select') {
    const options = (field.options ?? [])
      .map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`)
      .join('');
    return `<select ${common}><option value="">Choose…</option>${options}</select>`;
  }
  const autocomplete =
    field.type === 'email' ? ' autocomplete="email"' : field.type === 'phone' ? ' autocomplete="tel"' : '';
  return `<input type="${inputTypes[field.type] ?? 'text'}" ${common}${autocomplete}>`;
}

/**
 * The snippet a site pastes in: a plain <form> (it still posts, form-encoded, without JavaScript) and a small
 * inline script that sends it as JSON and shows the answer in place. The honeypot input sits off-screen and
 * out of the tab order: people leave it empty, form-filling bots do not.
 */
export function embedHtml(form: { id: string; name: string; fields: EmbedField[] }, submitUrl: string): string {
  const formId = `iperform-form-${form.id}`;
  const rows = form.fields.map((field, i) => {
    const id = `${formId}-${i}`;
    const mark = field.required ? ' *' : '';
    return `  <p><label for="${id}">${escapeHtml(field.label)}${mark}</label><br>${control(field, id)}</p>`;
  });
  return `<form id="${formId}" action="${escapeHtml(submitUrl)}" method="post" aria-label="${escapeHtml(form.name)}">
${rows.join('\n')}
  <div aria-hidden="true" style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden">
    <label>Leave this empty <input type="text" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></label>
  </div>
  <p><button type="submit">Send</button></p>
  <p role="status" aria-live="polite" data-iperform-message></p>
</form>
<script>
(function () {
  var form = document.getElementById(${scriptValue(formId)});
  var url = ${scriptValue(submitUrl)};
  var message = form.querySelector('[data-iperform-message]');
  var button = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = {};
    new FormData(form).forEach(function (value, key) { data[key] = value; });
    button.disabled = true;
    message.textContent = '';
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) form.reset();
        message.textContent = result.ok ? result.body.message : (result.body.detail || 'Please check the form.');
      })
      .catch(function () { message.textContent = 'The form could not be sent; please try again.'; })
      .then(function () { button.disabled = false; });
  });
})();
</script>`;
}
