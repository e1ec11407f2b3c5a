// Cradle front-end entry point. Loaded at the end of <body> with
//   <script type="module" src="/assets/app.js"></script>
//
// The GOV.UK page template normally adds these body classes with an inline
// <script>; Cradle's Content-Security-Policy forbids inline script, so we do it
// here. Module scripts only run in browsers that govuk-frontend supports, so
// 'govuk-frontend-supported' can be added unconditionally.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
