/** The product mark (the same drawing as web/public/favicon.svg), for pages the server renders itself. */
export const BRAND_MARK_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="40" height="40" role="img" aria-label="iPerform"><rect width="32" height="32" rx="8" fill="#2d4fe2"/><path d="M9 22V13M16 22V9M23 22v-6" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/></svg>';
