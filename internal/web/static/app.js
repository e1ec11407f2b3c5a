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

// Sessions end after a time without a request (the server's idle limit,
// data-session-idle, in seconds). Typing a long note makes no request, so
// without this the note would be lost when it is sent. Two things keep it
// (WCAG 2.2.1, timing adjustable): typing tells the server the person is
// here, at most once a minute (/session/alive); and, when the page has been left alone, a
// warning data-session-warn seconds before the end offers "Stay signed in".
// Before warning, and at the end, the page asks the server how long is left
// (/session/status, which is not itself use), as another tab may be in use.
// If the session ends anyway, the page says so and keeps what was typed on
// the screen, to copy before signing in again.
const session = document.body.dataset
if (Number(session.sessionIdle) > 0) {
  let last = Date.now() // the server saw this page's request just now
  let asked = 0
  let synced = 0
  let busy = false
  let ended = false
  let dialog = null

  // How long the server says is left: use in another tab counts, and
  // asking is not use (two tabs left open must not keep each other alive).
  // True if some is left, false if signed out, null if it cannot tell.
  const sync = async () => {
    synced = Date.now()
    try {
      const r = await fetch('/session/status', { credentials: 'same-origin', redirect: 'manual', cache: 'no-store' })
      if (r.status !== 200) return false
      const left = Number((await r.json()).seconds_left)
      last = Date.now() - (Number(session.sessionIdle) - left) * 1000
      return left > 0
    } catch (e) {
      return null
    }
  }

  const alive = async () => {
    asked = Date.now()
    try {
      // Signed out, the server sends a redirect to sign in: not followed.
      const r = await fetch('/session/alive', { credentials: 'same-origin', redirect: 'manual', cache: 'no-store' })
      if (r.status === 200) {
        last = Date.now()
        return true
      }
    } catch (e) {
      // Offline or the server away: the session may still be there.
      return null
    }
    return false
  }

  const build = () => {
    dialog = document.createElement('dialog')
    dialog.className = 'app-timeout'
    dialog.id = 'app-timeout'
    dialog.setAttribute('aria-labelledby', 'app-timeout-title')
    dialog.setAttribute('aria-describedby', 'app-timeout-text')
    dialog.style.maxWidth = '34em'
    dialog.style.padding = '30px'
    dialog.style.border = '5px solid #0b0c0c'
    const title = document.createElement('h2')
    title.className = 'govuk-heading-m'
    title.id = 'app-timeout-title'
    const text = document.createElement('p')
    text.className = 'govuk-body'
    text.id = 'app-timeout-text'
    const buttons = document.createElement('div')
    buttons.className = 'govuk-button-group'
    dialog.append(title, text, buttons)
    // Escape is "Stay signed in": whoever pressed it is here.
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault()
      if (!ended) stay()
    })
    document.body.append(dialog)
  }

  const button = (label, secondary, action) => {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = secondary ? 'govuk-button govuk-button--secondary' : 'govuk-button'
    b.textContent = label
    b.addEventListener('click', action)
    return b
  }

  const show = (title, text, buttons) => {
    if (!dialog) build()
    const heading = dialog.querySelector('h2')
    if (dialog.open && heading.textContent === title) {
      // The minutes left, counting down: the words change, focus stays.
      dialog.querySelector('p').textContent = text
      return
    }
    heading.textContent = title
    dialog.querySelector('p').textContent = text
    dialog.querySelector('.govuk-button-group').replaceChildren(...buttons)
    if (!dialog.open) dialog.showModal()
    buttons[0].focus() // the old buttons, and with them focus, have gone
  }

  const close = () => {
    if (dialog && dialog.open) dialog.close()
  }

  const signOut = () => {
    const form = document.querySelector('form[action="/sign-out"]')
    if (form) form.submit()
  }

  const stay = async () => {
    const ok = await alive()
    if (ok === false) {
      end()
    } else {
      shown = ''
      close()
    }
  }

  const end = () => {
    ended = true
    const next = encodeURIComponent(window.location.pathname + window.location.search)
    // It may have been the idle limit or the 12 hours since signing in.
    show('You have been signed out',
      'Your session has ended, so you have been signed out for your security. ' +
      'Anything you typed on this page is still here but cannot be sent: copy what you need, then sign in again.',
      [button('Close this message', false, close),
        button('Sign in again', true, () => { window.location.assign('/sign-in?next=' + next) })])
  }

  const minutes = (seconds) => {
    const m = Math.ceil(seconds / 60)
    return m <= 1 ? 'a minute' : m + ' minutes'
  }

  let shown = ''
  const check = async () => {
    if (ended || busy) return
    // Read each time: the limits are the page's, and tests change them.
    const warn = Number(session.sessionWarn)
    let left = (Number(session.sessionIdle) * 1000 - (Date.now() - last)) / 1000
    if (left <= warn && Date.now() - synced > (left <= 0 ? 5000 : 30000)) {
      busy = true
      const some = await sync()
      busy = false
      if (some === false) {
        end()
        return
      }
      left = (Number(session.sessionIdle) * 1000 - (Date.now() - last)) / 1000
    }
    if (left > warn) {
      // Used since, here or in another tab.
      if (shown) close()
      shown = ''
      return
    }
    if (left <= 0) return // the server could not be asked: ask again next time
    const text = 'For your security, you will be signed out in ' + minutes(left) +
      '. Anything you have not saved will not be sent.'
    if (text !== shown) {
      shown = text
      show('You will be signed out soon', text,
        [button('Stay signed in', false, stay), button('Sign out', true, signOut)])
    }
  }
  setInterval(check, 1000)

  // At most once a minute (data-session-ping, in seconds, lets a test say sooner).
  document.addEventListener('input', () => {
    if (!ended && Date.now() - asked > Number(session.sessionPing || 60) * 1000) alive()
  })
}

// A password strength meter (ASVS 2.1.8) under a new password's box: as the
// person types, it says whether the password is long enough and roughly how
// hard it would be to guess, estimated from its length and the kinds of
// characters in it (announced to screen readers once typing pauses). It follows the server's rules (credential.CheckPassword:
// 12 characters at least, 5 different ones at least), which still decide:
// a common password, or one with the person's name in it, is refused only
// when the form is sent, as the list is not sent to the browser. Without
// script the box's hint says the same rules.
const strengthOf = (pw) => {
  const chars = [...pw]
  if (chars.length === 0) return null
  if (chars.length < 12) {
    return { level: 'red', label: 'Too short', advice: chars.length + ' of at least 12 characters.' }
  }
  if (new Set(pw.trim().toLowerCase()).size < 5) {
    return { level: 'red', label: 'Too repetitive', advice: 'Use at least 5 different characters.' }
  }
  let pool = 0
  if (/[a-z]/.test(pw)) pool += 26
  if (/[A-Z]/.test(pw)) pool += 26
  if (/[0-9]/.test(pw)) pool += 10
  if (/[ ]/.test(pw)) pool += 1
  if (/[^a-zA-Z0-9 ]/.test(pw)) pool += 33
  // A character repeated straight after itself adds little.
  const effective = chars.filter((c, i) => i === 0 || c !== chars[i - 1]).length
  const bits = effective * Math.log2(Math.max(pool, 2))
  if (bits < 60) {
    return { level: 'yellow', label: 'Fair', advice: 'Long enough. Adding another word would make it much harder to guess.' }
  }
  return { level: 'green', label: 'Strong', advice: 'Common passwords are still refused when you save.' }
}

for (const input of document.querySelectorAll('input[type="password"][autocomplete="new-password"][name="password"]')) {
  const meter = document.createElement('p')
  meter.className = 'govuk-body-s app-password-strength'
  meter.id = input.id + '-strength'
  input.insertAdjacentElement('afterend', meter)
  input.setAttribute('aria-describedby', ((input.getAttribute('aria-describedby') || '') + ' ' + meter.id).trim())
  // What a screen reader is told, once typing pauses (the meter itself
  // changes at every key, and the page must not move under a click that
  // follows typing at once).
  const said = document.createElement('span')
  said.className = 'govuk-visually-hidden'
  said.setAttribute('aria-live', 'polite')
  meter.insertAdjacentElement('afterend', said)
  let timer = 0
  input.addEventListener('input', () => {
    const s = strengthOf(input.value)
    meter.replaceChildren()
    if (s) {
      const tag = document.createElement('strong')
      tag.className = 'govuk-tag govuk-tag--' + s.level
      tag.textContent = s.label
      meter.append('Password strength: ', tag, ' ' + s.advice)
    }
    clearTimeout(timer)
    timer = setTimeout(() => { said.textContent = meter.textContent }, 400)
  })
}
