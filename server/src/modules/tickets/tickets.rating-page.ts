import { BRAND_MARK_SVG } from '../../http/brand.ts';
import { COMMENT_MAX, type RatingPage, ratingPath } from './tickets.rating.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f1f3f5;color:#1a1b1e;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:560px;margin:0 auto;padding:32px 16px}
.card{background:#fff;border:1px solid #dee2e6;border-radius:12px;padding:28px 24px;box-shadow:0 1px 3px rgba(0,0,0,.05)}
.ref{color:#495057;font-size:14px;margin:0 0 4px}
h1{font-size:22px;line-height:1.3;margin:0 0 12px}
p{margin:0 0 16px}
.choices{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0 4px}
.choice{flex:1 1 180px;display:block;text-align:center;padding:14px 16px;border-radius:10px;font-weight:600;text-decoration:none;color:#fff}
.good{background:#2f9e44}.bad{background:#c92a2a}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:14px;font-weight:600}
.badge.good{background:#d3f9d8;color:#2b8a3e}.badge.bad{background:#ffe3e3;color:#c92a2a}
label{display:block;font-weight:600;margin:0 0 6px}
textarea{width:100%;min-height:120px;padding:10px 12px;border:1px solid #ced4da;border-radius:8px;font:inherit;resize:vertical}
button{margin-top:12px;padding:10px 20px;border:0;border-radius:8px;background:#2d4fe2;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{color:#c92a2a;font-weight:600}
blockquote{margin:0 0 16px;padding:8px 14px;border-left:3px solid #ced4da;color:#495057;white-space:pre-wrap}
.brand{display:flex;align-items:center;gap:10px;margin:0 0 20px;color:#495057;font-size:14px}
@media (min-width:700px){main{padding-top:64px}.card{padding:36px 40px}h1{font-size:26px}}
`;

const ratedWords = { good: 'Good', bad: 'Bad' } as const;

function commentForm(token: string, error?: string): string {
  return `<form method="post" action="${escapeHtml(ratingPath(token))}">
  <label for="comment">Anything you would like to add?</label>
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <textarea id="comment" name="comment" maxlength="${COMMENT_MAX}" required></textarea>
  <button type="submit">Send comment</button>
</form>`;
}

function body(page: RatingPage, token: string): { title: string; html: string } {
  switch (page.state) {
    case 'invalid':
      return {
        title: 'This link does not work',
        html: '<p>The link is incomplete or was changed. Please use the link from your email exactly as it was sent.</p>',
      };
    case 'expired':
      return {
        title: 'This link has expired',
        html: '<p>Rating links work for a limited time after a request is solved. Thank you all the same.</p>',
      };
    case 'reopened':
      return {
        title: 'This request was reopened',
        html: '<p>The request is being worked on again; you will get a new link when it is solved.</p>',
      };
    case 'choose': {
      const link = escapeHtml(ratingPath(token));
      return {
        title: 'How did we do?',
        html: `<p>Your request has been solved. Were you satisfied with the help you got?</p>
<div class="choices">
  <a class="choice good" href="${link}?rating=good">Good, I’m satisfied</a>
  <a class="choice bad" href="${link}?rating=bad">Bad, I’m not satisfied</a>
</div>`,
      };
    }
    default: {
      const rating = page.rating ?? 'good';
      const badge = `<span class="badge ${rating}">${ratedWords[rating]}</span>`;
      const said = page.comment ? `<blockquote>${escapeHtml(page.comment)}</blockquote>` : '';
      if (page.state === 'rated' || page.state === 'comment_invalid') {
        return {
          title: 'Thank you for your rating',
          html: `<p>You rated this request ${badge}.</p>${commentForm(token, page.error)}`,
        };
      }
      if (page.state === 'already_rated') {
        return {
          title: 'You have already rated this request',
          html: `<p>Your rating ${badge} was recorded; it stays as it is.</p>${said || commentForm(token)}`,
        };
      }
      if (page.state === 'commented') {
        return { title: 'Thank you for your comment', html: `<p>You rated this request ${badge}.</p>${said}` };
      }
      return {
        title: 'You have already commented',
        html: `<p>Your rating ${badge} and comment were recorded; they stay as they are.</p>${said}`,
      };
    }
  }
}

/** The public rating page: small, no script, readable on a phone and a desktop. */
export function ratingPageHtml(page: RatingPage, token: string): string {
  const { title, html } = body(page, token);
  const ref =
    page.state === 'invalid'
      ? ''
      : `<p class="ref">Request ${escapeHtml(page.reference)} · ${escapeHtml(page.subject)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
  <div class="brand">${BRAND_MARK_SVG.replace('width="40" height="40"', 'width="28" height="28"')}<span>Customer support</span></div>
  <div class="card">
    ${ref}
    <h1>${escapeHtml(title)}</h1>
    ${html}
  </div>
</main>
</body>
</html>`;
}

/** The status each page answers with: a link that cannot be used is a 400. */
export function ratingPageStatus(page: RatingPage): number {
  return ['invalid', 'expired', 'reopened', 'comment_invalid'].includes(page.state) ? 400 : 200;
}
