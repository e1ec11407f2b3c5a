// Package e2e holds Cradle's browser end-to-end tests. They start the real
// server in-process with demonstration data, drive headless Chromium through
// the DevTools protocol (chromedp), and check each page with axe-core.
//
// Run them with:
//
//	go test ./e2e/ -run Browser -v -count=1
//
// Environment:
//
//	CRADLE_CHROMIUM               the browser binary (default /usr/bin/chromium)
//	CRADLE_TEST_REQUIRE_BROWSER   if set, a missing browser fails the tests instead of skipping them
//	CRADLE_SCREENSHOTS            a folder to save full-page screenshots in, to look at
package e2e
